"""deploy/ against the binary: every `trackscan SUBCOMMAND --flag` that the
Dockerfile, the compose file, the Kubernetes manifests, the systemd units and
the README use is a subcommand and a flag that `trackscan SUBCOMMAND --help`
lists; the YAML parses; the Kubernetes manifests define every $(VAR) they
pass; nothing runs trackscan (and so Chromium, whose sandbox trackscan turns
off as root) as root.

Where trackscan invocations are found:
- commands: Dockerfile RUN / ENTRYPOINT + CMD, compose `entrypoint`/`command`
  (with the image's ENTRYPOINT when not overridden), Kubernetes container
  `command`/`args` (likewise), `sh -c` scripts in any of them, systemd
  ExecStart, shell code blocks of Markdown files, WORKER_FLAGS= and
  COORDINATOR_FLAGS= values. There, `trackscan WORD` in command position must
  name a subcommand.
- prose: comments and Markdown `inline code`; there only `trackscan
  SUBCOMMAND ...` with a real subcommand counts, and its --flags are checked.

PyYAML (Debian's python3-yaml) reads the YAML when it is installed.
scripts/setup.sh does not install it, so without it a line-based reader finds
the commands in the shapes deploy/ uses (one-line flow lists after
command:/args:/entrypoint:, literal block scalars for scripts); with PyYAML,
test_line_reader_agrees_with_yaml keeps that reader honest.
"""

import dataclasses
import functools
import glob
import json
import os
import re
import shlex
import subprocess

import pytest

try:
    import yaml
except ImportError:  # scripts/setup.sh does not install python3-yaml
    yaml = None

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEPLOY = os.path.join(REPO, "deploy")
K8S = os.path.join(DEPLOY, "kubernetes")
DOCKERFILE = os.path.join(DEPLOY, "Dockerfile")
COMPOSE = os.path.join(DEPLOY, "compose.yaml")
SYSTEMD = os.path.join(DEPLOY, "systemd")

# Files the deployment consists of, and the ones that must run trackscan.
EXPECTED_FILES = [
    "deploy/Dockerfile", "deploy/compose.yaml", "deploy/README.md",
    "deploy/kubernetes/kustomization.yaml", "deploy/kubernetes/namespace.yaml",
    "deploy/kubernetes/redis.yaml", "deploy/kubernetes/coordinator.yaml",
    "deploy/kubernetes/worker.yaml", "deploy/kubernetes/cronjob.yaml",
    "deploy/systemd/trackscan-coordinator.service", "deploy/systemd/trackscan-worker@.service",
]
MUST_RUN_TRACKSCAN = {
    "deploy/Dockerfile": None, "deploy/compose.yaml": None, "deploy/README.md": None,
    "deploy/kubernetes/coordinator.yaml": "coordinator", "deploy/kubernetes/worker.yaml": "worker",
    "deploy/kubernetes/cronjob.yaml": "submit",
    "deploy/systemd/trackscan-coordinator.service": "coordinator",
    "deploy/systemd/trackscan-worker@.service": "worker",
}
MIN_FLAG_USES = 10

SHELL_OPERATORS = {";", "&&", "||", "|", "|&", "&", "(", ")", ">", ">>", "<", "<<", ">&", "<&",
                   "&>", ";;"}
# Tokens after which the next word is the program of a command.
COMMAND_PREFIXES = SHELL_OPERATORS | {"--", "exec", "then", "do", "else", "!", "env", "nohup",
                                      "time"}
SHELLS = {"sh", "bash", "dash", "/bin/sh", "/bin/bash", "/bin/dash", "/usr/bin/sh", "/usr/bin/bash"}
SUBCOMMAND_WORD = re.compile(r"[a-z][a-z0-9-]*\Z")
TRACKSCAN_IMAGE = re.compile(r"(^|/)trackscan(:[\w.-]+)?(@sha256:[0-9a-f]+)?\Z")
POD_SPEC_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"}


def rel(path):
    return os.path.relpath(path, REPO)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# ---------------------------------------------------------------- candidates

@dataclasses.dataclass(frozen=True)
class Candidate:
    """`trackscan WORD ARGS...` found in a file."""
    file: str          # path relative to the repository
    where: str         # what in the file (service, container, line)
    word: str | None   # the subcommand; None for `trackscan --flag` (top level)
    args: tuple        # the tokens after WORD, up to the end of the command
    strict: bool       # in command position: WORD must be a subcommand
    prose: bool = False

    @property
    def flags(self):
        names = []
        for token in self.args:
            if token == "--":
                break  # CLI11: what follows is positional
            if token.startswith("--") and len(token) > 2:
                names.append(token.split("=", 1)[0])
        return tuple(names)

    def key(self):
        return (self.file, self.word, self.flags)

    def describe(self):
        words = ["trackscan"] + ([self.word] if self.word else []) + list(self.args)
        return f"{self.file} ({self.where}): {' '.join(words)}"


def is_trackscan_program(token):
    return token == "trackscan" or token.endswith("/bin/trackscan")


def candidates_in_argv(argv, file, where):
    """Invocations in one command (a list of arguments, as exec would get them)."""
    found = []
    for i, token in enumerate(argv):
        if token in SHELLS and i + 2 < len(argv) and argv[i + 1] == "-c":
            found += candidates_in_shell(argv[i + 2], file, where)
        if not is_trackscan_program(token) or i + 1 >= len(argv):
            continue
        strict = i == 0 or argv[i - 1] in COMMAND_PREFIXES or token.startswith("/")
        rest = []
        for t in argv[i + 1:]:
            if t in SHELL_OPERATORS:
                break
            rest.append(t)
        if not rest:
            continue
        word = rest[0]
        if word.startswith("-"):
            if strict:  # trackscan --help
                found.append(Candidate(file, where, None, tuple(rest), True))
        elif SUBCOMMAND_WORD.match(word):
            found.append(Candidate(file, where, word, tuple(rest[1:]), strict))
    return found


def shell_words(line):
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    return list(lexer)


def candidates_in_shell(text, file, where):
    """Invocations in shell text, command by command (a line is a command)."""
    found = []
    text = re.sub(r"\\\n", " ", text)
    for n, line in enumerate(text.splitlines(), 1):
        if "trackscan" not in line:
            continue
        try:
            words = shell_words(line)
        except ValueError as e:
            raise AssertionError(f"{file} ({where}): cannot split as shell ({e}): {line!r}")
        found += candidates_in_argv(words, file, f"{where}, line {n}" if n > 1 else where)
    return found


PROSE_INVOCATION = re.compile(r"\btrackscan\s+([a-z][a-z0-9-]*)([^;|)`\n]*)")


def candidates_in_prose(text, file, where):
    """`trackscan SUBCOMMAND --flag ...` in comments and inline code: a
    candidate only if SUBCOMMAND turns out to be one (strict=False)."""
    found = []
    for m in PROSE_INVOCATION.finditer(text):
        rest = re.split(r"\.\s|\.$|,\s", m.group(2))[0]  # up to the end of the sentence
        args = tuple(t.strip("`'\"") for t in rest.split())
        found.append(Candidate(file, where, m.group(1), args, False, prose=True))
    return found


FLAGS_VARIABLE = re.compile(r"\b(WORKER|COORDINATOR)_FLAGS=([^\n#]*)")


def candidates_in_flag_variables(text, file):
    """WORKER_FLAGS=... / COORDINATOR_FLAGS=... (systemd units append them)."""
    return [Candidate(file, f"{m.group(1)}_FLAGS", m.group(1).lower(), tuple(m.group(2).split()), True)
            for m in FLAGS_VARIABLE.finditer(text)]


def comment_lines(text, prefixes=("#",)):
    return "\n".join(line.strip()[1:] for line in text.splitlines()
                     if line.strip().startswith(prefixes))


# ---------------------------------------------------------------- Dockerfile

@dataclasses.dataclass
class Dockerfile:
    stages: list          # [(name, base)]
    runs: list            # shell text of every RUN
    entrypoint: list      # of the last stage
    cmd: list
    user: str | None      # last USER of the last stage
    uids: dict            # user name -> uid from useradd --uid
    text: str


def exec_or_shell_form(value):
    value = value.strip()
    if value.startswith("["):
        return json.loads(value)
    return ["/bin/sh", "-c", value]


@functools.lru_cache(maxsize=None)
def parse_dockerfile(path=DOCKERFILE):
    text = read(path)
    joined = re.sub(r"\\\n", " ", "\n".join(line for line in text.splitlines()
                                             if not line.lstrip().startswith("#")))
    stages, runs = [], []
    entrypoint, cmd, user = [], [], None
    for line in joined.splitlines():
        m = re.match(r"\s*([A-Za-z]+)\s+(.*)", line)
        if not m:
            continue
        instruction, value = m.group(1).upper(), m.group(2)
        if instruction == "FROM":
            parts = value.split()
            stages.append((parts[2] if len(parts) > 2 and parts[1].upper() == "AS" else None, parts[0]))
            entrypoint, cmd, user = [], [], None
        elif instruction == "RUN":
            runs.append(value)
        elif instruction == "ENTRYPOINT":
            entrypoint, cmd = exec_or_shell_form(value), []  # ENTRYPOINT resets CMD
        elif instruction == "CMD":
            cmd = exec_or_shell_form(value)
        elif instruction == "USER":
            user = value.strip()
    uids = {}
    for run in runs:
        for m in re.finditer(r"useradd\b([^&;|]*)", run):
            words = m.group(1).split()
            uid = next((words[i + 1] for i, w in enumerate(words[:-1]) if w in ("--uid", "-u")), None)
            if uid and words:
                uids[words[-1]] = uid
    return Dockerfile(stages, runs, entrypoint, cmd, user, uids, text)


def dockerfile_candidates():
    df = parse_dockerfile()
    file = rel(DOCKERFILE)
    found = []
    for run in df.runs:
        found += candidates_in_shell(run, file, "RUN")
    found += candidates_in_argv(df.entrypoint + df.cmd, file, "ENTRYPOINT + CMD")
    found += candidates_in_prose(comment_lines(df.text), file, "comment")
    return found


def image_argv(entrypoint, command, df):
    """What a container of the trackscan image executes.

    compose: `entrypoint` replaces the image's ENTRYPOINT (and drops its CMD),
    `command` replaces CMD. Kubernetes: `command` replaces ENTRYPOINT, `args`
    replaces CMD."""
    def as_list(value):
        return shlex.split(value) if isinstance(value, str) else list(value)
    if entrypoint is not None:
        return as_list(entrypoint) + (as_list(command) if command is not None else [])
    return list(df.entrypoint) + (as_list(command) if command is not None else list(df.cmd))


# ---------------------------------------------------------------- YAML, with PyYAML

def yaml_files():
    return sorted(glob.glob(os.path.join(DEPLOY, "**", "*.yaml"), recursive=True)
                  + glob.glob(os.path.join(DEPLOY, "**", "*.yml"), recursive=True))


def k8s_manifests():
    return [p for p in sorted(glob.glob(os.path.join(K8S, "*.yaml")))
            if os.path.basename(p) != "kustomization.yaml"]


def load_yaml_documents(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def pod_specs(doc):
    """(kind/name, pod spec) of a Kubernetes object that runs pods."""
    kind = doc.get("kind")
    name = f"{kind}/{(doc.get('metadata') or {}).get('name')}"
    spec = doc.get("spec") or {}
    if kind == "Pod":
        return [(name, spec)]
    if kind == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    if kind in POD_SPEC_KINDS:
        return [(name, (spec.get("template") or {}).get("spec") or {})]
    return []


def trackscan_containers():
    """(file, "Kind/name container", pod spec, container) of every container
    of the trackscan image in the Kubernetes manifests."""
    found = []
    for path in k8s_manifests():
        for doc in load_yaml_documents(path):
            for name, spec in pod_specs(doc):
                for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
                    if TRACKSCAN_IMAGE.search(str(c.get("image", ""))):
                        found.append((rel(path), f"{name} container {c.get('name')}", spec, c))
    return found


def expand_k8s(value, env_names, undefined):
    """Kubernetes' $(VAR) expansion of command/args: $$ is a literal $, $(NAME)
    is replaced when NAME is in the container's env (a placeholder here),
    and kept as is otherwise (recorded in `undefined`)."""
    out, i = [], 0
    while i < len(value):
        if value[i] == "$" and i + 1 < len(value) and value[i + 1] == "$":
            out.append("$")
            i += 2
        elif value[i] == "$" and i + 1 < len(value) and value[i + 1] == "(":
            end = value.find(")", i + 2)
            if end < 0:
                out.append(value[i:])
                break
            name = value[i + 2:end]
            if name in env_names:
                out.append(f"<{name}>")
            else:
                undefined.append(name)
                out.append(value[i:end + 1])
            i = end + 1
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def compose_trackscan_services():
    doc = load_yaml_documents(COMPOSE)[0]
    for name, svc in (doc.get("services") or {}).items():
        if TRACKSCAN_IMAGE.search(str(svc.get("image", ""))) or svc.get("build"):
            yield name, svc


def yaml_candidates():
    """Invocations in the YAML files, read with PyYAML."""
    df = parse_dockerfile()
    found = []
    for name, svc in compose_trackscan_services():
        argv = image_argv(svc.get("entrypoint"), svc.get("command"), df)
        found += candidates_in_argv(argv, rel(COMPOSE), f"service {name}")
    for file, where, _, c in trackscan_containers():
        env_names = {e["name"] for e in c.get("env") or []}
        argv = image_argv(c.get("command"), c.get("args"), df)
        argv = [expand_k8s(str(a), env_names, []) for a in argv]
        found += candidates_in_argv(argv, file, where)
    return found


# ---------------------------------------------------------------- YAML, line by line

FLOW_LIST = re.compile(r"^\s*(?:-\s+)?(command|args|entrypoint):\s*(\[.*\])\s*(?:#.*)?$")
BLOCK_SCALAR = re.compile(r"^(\s*)(?:-\s+)?(?:[\w./-]+:\s+)?\|[-+]?\s*$")


def line_candidates(path, subcommands):
    """Invocations in a YAML file without a YAML parser: one-line JSON flow
    lists after command:/args:/entrypoint: (a list that starts with a
    subcommand gets the image's ENTRYPOINT in front) and literal block
    scalars (shell scripts)."""
    df = parse_dockerfile()
    lines = read(path).splitlines()
    found = []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = FLOW_LIST.match(line)
        if m:
            try:
                values = json.loads(m.group(2))
            except json.JSONDecodeError as e:
                raise AssertionError(f"{rel(path)} line {i + 1}: {m.group(1)} is not a one-line "
                                     f"JSON list, which the reader without PyYAML needs ({e})")
            values = [str(v).replace("$$", "$") for v in values]
            if values and values[0] in subcommands:
                values = list(df.entrypoint) + values
            found += candidates_in_argv(values, rel(path), f"line {i + 1}")
        b = BLOCK_SCALAR.match(line)
        if b:
            indent = len(b.group(1))
            body = []
            i += 1
            while i < len(lines) and (not lines[i].strip() or
                                      len(lines[i]) - len(lines[i].lstrip()) > indent):
                body.append(lines[i].strip())
                i += 1
            script = "\n".join(body).replace("$$", "$")
            found += candidates_in_shell(script, rel(path), f"block at line {i - len(body)}")
            continue
        i += 1
    return found


# ---------------------------------------------------------------- systemd, Markdown, the rest

def systemd_candidates(path):
    text = read(path)
    file = rel(path)
    found = []
    for m in re.finditer(r"^\s*ExecStart(?:Pre|Post)?=([@\-:+!]*)(.*)$", text, re.M):
        found += candidates_in_shell(m.group(2), file, "ExecStart")
    found += candidates_in_prose(comment_lines(text, ("#", ";")), file, "comment")
    return found


FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)


def markdown_candidates(path):
    text = read(path)
    file = rel(path)
    found = []
    for m in FENCE.finditer(text):
        found += candidates_in_shell(m.group(1), file, "code block")
    prose = FENCE.sub("", text)
    for code in re.findall(r"`([^`]+)`", prose):
        found += candidates_in_prose(code, file, "inline code")
    return found


def all_candidates(subcommands=None):
    """Every invocation in deploy/ (the YAML read with PyYAML when it is
    installed, line by line otherwise: `subcommands` is needed then)."""
    found = dockerfile_candidates()
    for path in sorted(glob.glob(os.path.join(DEPLOY, "**", "*"), recursive=True)):
        if not os.path.isfile(path) or path == DOCKERFILE:
            continue
        text = read(path)
        file = rel(path)
        found += candidates_in_flag_variables(text, file)
        if path.endswith((".yaml", ".yml")):
            if yaml is None:
                found += line_candidates(path, subcommands)
            found += candidates_in_prose(comment_lines(text), file, "comment")
        elif path.endswith((".service", ".socket", ".timer")):
            found += systemd_candidates(path)
        elif path.endswith(".md"):
            found += markdown_candidates(path)
        else:
            found += candidates_in_prose(comment_lines(text), file, "comment")
    if yaml is not None:
        found += yaml_candidates()
    return found


# ---------------------------------------------------------------- the binary's --help

class Cli:
    def __init__(self, binary):
        self.binary = binary
        self.top = self.help()
        section = self.top.split("Subcommands:", 1)[1] if "Subcommands:" in self.top else ""
        self.subcommands = set(re.findall(r"^\s{2}([a-z][a-z0-9-]*)\s", section, re.M))

    @functools.lru_cache(maxsize=None)
    def help(self, subcommand=None):
        cmd = [self.binary] + ([subcommand] if subcommand else []) + ["--help"]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        assert proc.returncode == 0, f"{' '.join(cmd)}: exit {proc.returncode}\n{proc.stderr}"
        return proc.stdout + proc.stderr

    def flags(self, subcommand=None):
        text = self.help(subcommand)
        if subcommand:  # CLI11 prints the top-level help for an unknown one
            assert re.search(rf"^Usage: \S+ {re.escape(subcommand)}\b", text, re.M), text
        return set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", text)) | {"-h"}


@pytest.fixture(scope="module")
def cli(trackscan_bin):
    cli = Cli(trackscan_bin)
    assert {"coordinator", "worker", "submit", "status", "export"} <= cli.subcommands, cli.top
    return cli


def uses(candidates, subcommands):
    """The candidates that are trackscan invocations: in command position, or
    naming a real subcommand."""
    return [c for c in candidates if c.word is None or c.strict or c.word in subcommands]


# ---------------------------------------------------------------- tests

def test_deployment_files_exist():
    missing = [f for f in EXPECTED_FILES if not os.path.isfile(os.path.join(REPO, f))]
    assert not missing, f"missing: {missing}"


def test_every_trackscan_flag_used_in_deploy_is_in_help(cli):
    found = uses(all_candidates(cli.subcommands), cli.subcommands)
    problems = []
    for c in found:
        if c.word is not None and c.word not in cli.subcommands:
            problems.append(f"no subcommand {c.word!r} (trackscan --help lists "
                            f"{sorted(cli.subcommands)}): {c.describe()}")
            continue
        unknown = [f for f in c.flags if f not in cli.flags(c.word)]
        if unknown:
            help_cmd = " ".join(w for w in ("trackscan", c.word, "--help") if w)
            problems.append(f"{unknown} not in `{help_cmd}`: {c.describe()}")
    assert not problems, "\n".join(problems)

    # The search must have found something, in every place that runs trackscan.
    commands = [c for c in found if not c.prose]
    flag_uses = [(c.word, f) for c in commands for f in c.flags]
    assert len(flag_uses) >= MIN_FLAG_USES, \
        f"only {len(flag_uses)} (subcommand, flag) uses found: {flag_uses}"
    for file, subcommand in MUST_RUN_TRACKSCAN.items():
        in_file = [c for c in commands if c.file == file]
        assert in_file, f"no trackscan command found in {file}: the search missed it"
        if subcommand:
            assert any(c.word == subcommand and c.flags for c in in_file), \
                f"{file} has no `trackscan {subcommand} --flag ...`: {[c.describe() for c in in_file]}"
    fleet = {c.word for c in commands}
    assert {"coordinator", "worker", "submit"} <= fleet, fleet


def test_no_deployment_turns_chromiums_sandbox_off(cli):
    found = uses(all_candidates(cli.subcommands), cli.subcommands)
    bad = [c.describe() for c in found if any("no-sandbox" in a for a in c.args)]
    assert not bad, "the sandbox must stay on (run as non-root instead):\n" + "\n".join(bad)


@pytest.mark.skipif(yaml is None, reason="needs PyYAML (python3-yaml)")
def test_line_reader_agrees_with_yaml(cli):
    """The reader used without PyYAML finds the same commands in the YAML files."""
    yaml_keys = sorted(c.key() for c in uses(yaml_candidates(), cli.subcommands))
    line_keys = sorted(c.key() for path in yaml_files()
                       for c in uses(line_candidates(path, cli.subcommands), cli.subcommands))
    assert yaml_keys, "no trackscan command in the YAML files"
    assert yaml_keys == line_keys, f"PyYAML: {yaml_keys}\nline reader: {line_keys}"


@pytest.mark.skipif(yaml is None, reason="needs PyYAML (python3-yaml)")
def test_yaml_files_parse():
    problems = []
    for path in yaml_files():
        try:
            docs = load_yaml_documents(path)
        except yaml.YAMLError as e:
            problems.append(f"{rel(path)}: {e}")
            continue
        if not docs:
            problems.append(f"{rel(path)}: empty")
        if os.path.dirname(path) == K8S and os.path.basename(path) != "kustomization.yaml":
            for doc in docs:
                if not (doc.get("apiVersion") and doc.get("kind") and (doc.get("metadata") or {}).get("name")):
                    problems.append(f"{rel(path)}: a document without apiVersion, kind or metadata.name")
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(yaml is None, reason="needs PyYAML (python3-yaml)")
def test_commands_are_lists_of_strings():
    """Kubernetes refuses non-strings in command/args (an unquoted yes or 4)."""
    problems = []
    for path in k8s_manifests():
        for doc in load_yaml_documents(path):
            for name, spec in pod_specs(doc):
                for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
                    for key in ("command", "args"):
                        value = c.get(key)
                        if key in c and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                            problems.append(f"{rel(path)} {name} {c.get('name')}: {key} {value!r}")
    for name, svc in compose_trackscan_services():
        for key in ("command", "entrypoint"):
            value = svc.get(key)
            if isinstance(value, list) and not all(isinstance(v, str) for v in value):
                problems.append(f"compose.yaml service {name}: {key} {value!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(yaml is None, reason="needs PyYAML (python3-yaml)")
def test_kubernetes_defines_every_variable_it_passes():
    """$(NAME) in command/args is replaced only when NAME is in the container's
    env; otherwise trackscan would get the text "$(NAME)" (say, as --redis)."""
    problems = []
    for path in k8s_manifests():
        for doc in load_yaml_documents(path):
            for name, spec in pod_specs(doc):
                for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
                    if c.get("envFrom"):
                        continue  # names not known here
                    env_names = {e["name"] for e in c.get("env") or []}
                    undefined = []
                    for value in (c.get("command") or []) + (c.get("args") or []):
                        expand_k8s(str(value), env_names, undefined)
                    if undefined:
                        problems.append(f"{rel(path)} {name} container {c.get('name')}: $({undefined[0]}) "
                                        f"is not in its env ({sorted(env_names)}); write $$( for a shell's $(")
                    for e in c.get("env") or []:
                        ref = ((e.get("valueFrom") or {}).get("secretKeyRef") or {})
                        if ref and ref.get("name") not in k8s_object_names("Secret"):
                            problems.append(f"{rel(path)} {name}: env {e['name']} from Secret "
                                            f"{ref.get('name')!r}, which deploy/kubernetes does not define")
    assert not problems, "\n".join(problems)


def k8s_object_names(kind):
    return {(d.get("metadata") or {}).get("name") for p in k8s_manifests()
            for d in load_yaml_documents(p) if d.get("kind") == kind}


def test_kubernetes_trackscan_containers_run_as_non_root():
    df = parse_dockerfile()
    image_uid = df.uids.get(df.user, df.user)
    if yaml is None:  # without PyYAML: what the files that run the image say
        checked = []
        for path in k8s_manifests():
            text = read(path)
            if not re.search(r"^\s*image:\s*[\"']?(\S*/)?trackscan([:@\"'\s]|$)", text, re.M):
                continue
            checked.append(rel(path))
            non_root = re.findall(r"^\s*runAsNonRoot:\s*(\S+)", text, re.M)
            uids = re.findall(r"^\s*runAsUser:\s*(\S+)", text, re.M)
            assert non_root and set(non_root) == {"true"}, f"{rel(path)}: runAsNonRoot {non_root}"
            assert set(uids) <= {str(image_uid)}, f"{rel(path)}: runAsUser {uids}, image user {image_uid}"
            assert not re.search(r"^\s*privileged:\s*true", text, re.M), f"{rel(path)}: privileged"
        assert "deploy/kubernetes/worker.yaml" in checked, checked
        return
    containers = trackscan_containers()
    workers = [w for w in containers if "worker" in (w[3].get("args") or w[3].get("command") or [])[:1]]
    assert workers, "no Kubernetes container runs `trackscan worker`"
    problems = []
    for file, where, spec, c in containers:
        pod_sc = spec.get("securityContext") or {}
        sc = c.get("securityContext") or {}
        non_root = sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
        uid = sc.get("runAsUser", pod_sc.get("runAsUser"))
        if non_root is not True:
            problems.append(f"{file} {where}: runAsNonRoot is {non_root!r}, not true")
        if uid is not None and (uid == 0 or str(uid) != str(image_uid)):
            problems.append(f"{file} {where}: runAsUser {uid}, the image's user is {image_uid}")
        if sc.get("privileged"):
            problems.append(f"{file} {where}: privileged")
        if sc.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{file} {where}: allowPrivilegeEscalation is not false")
        if "no-sandbox" in " ".join(map(str, (c.get("command") or []) + (c.get("args") or []))):
            problems.append(f"{file} {where}: --no-sandbox")
    assert not problems, "\n".join(problems)


def test_dockerfile_runtime_stage_is_not_root():
    df = parse_dockerfile()
    assert len(df.stages) >= 2, f"not multi-stage: {df.stages}"
    assert all(base.startswith("debian:12") or base.startswith("debian:bookworm")
               for _, base in df.stages), df.stages
    assert df.user, "the runtime stage sets no USER: it would run as root"
    name = df.user.split(":")[0]
    assert name not in ("root", "0"), f"USER {df.user}"
    assert df.uids.get(name, name) not in ("0",), f"USER {df.user} has uid 0"
    assert df.entrypoint[-1:] == ["trackscan"], f"ENTRYPOINT {df.entrypoint}"


def test_compose_and_systemd_do_not_run_trackscan_as_root():
    problems = []
    if yaml is not None:
        for name, svc in compose_trackscan_services():
            user = str(svc.get("user", "")).split(":")[0]
            if user in ("root", "0"):
                problems.append(f"compose.yaml service {name}: user {svc['user']}")
            if any("privileged" == k and v for k, v in svc.items()):
                problems.append(f"compose.yaml service {name}: privileged")
    elif re.search(r"^\s*user:\s*[\"']?(root|0)\b", read(COMPOSE), re.M):
        problems.append("compose.yaml: user root")
    for path in sorted(glob.glob(os.path.join(SYSTEMD, "*.service"))):
        text = read(path)
        users = re.findall(r"^\s*User=(\S+)", text, re.M)
        if not users or users[-1] in ("root", "0"):
            problems.append(f"{rel(path)}: User= {users}")
    assert not problems, "\n".join(problems)


def test_systemd_worker_keeps_what_chromium_needs():
    text = read(os.path.join(SYSTEMD, "trackscan-worker@.service"))
    settings = dict(re.findall(r"^\s*(\w+)=(.*)$", text, re.M))
    assert settings.get("MemoryDenyWriteExecute", "no").strip() not in ("yes", "true", "1", "on"), \
        "MemoryDenyWriteExecute breaks V8's JIT"
    namespaces = settings.get("RestrictNamespaces")
    if namespaces is not None:
        allowed = set(namespaces.split())
        assert allowed == {"no"} or allowed == {"false"} or {"user", "pid", "net"} <= allowed, \
            f"RestrictNamespaces={namespaces}: Chromium's sandbox needs user, pid and net"
    assert settings.get("Restart") == "always"
    assert settings.get("EnvironmentFile", "").lstrip("-") == "/etc/trackscan/env"


def test_kustomization_lists_every_manifest():
    text = read(os.path.join(K8S, "kustomization.yaml"))
    listed = re.findall(r"^\s*-\s+(\S+\.ya?ml)\s*$", text, re.M)
    missing = [f for f in listed if not os.path.isfile(os.path.join(K8S, f))]
    assert not missing, f"kustomization.yaml lists missing files: {missing}"
    unlisted = [os.path.basename(p) for p in k8s_manifests() if os.path.basename(p) not in listed]
    assert not unlisted, f"not in kustomization.yaml resources: {unlisted}"
