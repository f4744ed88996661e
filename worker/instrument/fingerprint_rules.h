// Rules that turn the API use reported by the instrumentation script
// (api_calls.h) and the visit's requests into `fingerprint` and
// `session_recorder` records. Pure functions; thread-safe. Calls with no
// script URL (eval without sourceURL) are attributed to no script and never
// satisfy a rule. A script loaded in several frames is judged per frame.
//
// Fingerprinting, per (script, frame):
// - canvas (Englehardt & Narayanan 2016, as OpenWPM): text drawn with
//   fillText/strokeText with >= 10 distinct characters or in >= 2 colors
//   (the fillStyle/strokeStyle in effect at the text calls, so a chart with
//   many bar colours and one label colour does not count), and an image
//   read from a canvas >= 16x16 px with toDataURL/toBlob/convertToBlob in a
//   lossless format (image/jpeg and image/webp excluded) or getImageData of an
//   area >= 16x16, and no save/restore on a 2D context nor addEventListener
//   on a canvas by that script (signs of interactive drawing);
// - canvas_font: measureText called >= 50 times with >= 50 distinct fonts;
// - webgl: getParameter(UNMASKED_VENDOR_WEBGL or UNMASKED_RENDERER_WEBGL),
//   or readPixels of >= 16x16 px by a script that drew (drawArrays /
//   drawElements) and enumerated the context (getSupportedExtensions, or
//   >= 10 distinct getParameter names): a rendered-image hash;
// - audio: an OfflineAudioContext with an oscillator and a dynamics
//   compressor or analyser, rendered (startRendering) or read
//   (AudioBuffer.getChannelData).
// Session recorders: by endpoint (requests to the hosts of a known vendor:
// Microsoft Clarity, Hotjar, Contentsquare, Heap, FullStory, LogRocket,
// Mouseflow, Smartlook, Yandex Metrica webvisor, Lucky Orange, Inspectlet,
// Quantum Metric, Glassbox) and by behaviour (one third-party script that
// observes document, <html> or <body> mutations with subtree and listens on
// window/document/<html>/<body> for mouse, keyboard, scroll or input
// events). A behaviour match whose script host belongs to a listed vendor
// joins that vendor's record ("both").
#pragma once

#include <string>
#include <vector>

#include "worker/instrument/api_calls.h"
#include "worker/record/records.h"

namespace worker {

// `site`: the visit's registrable domain. Records carry no visit_id (the
// caller sets it), in order of (script_url, frame_url, technique).
std::vector<FingerprintRecord> DetectFingerprinting(const std::vector<ApiCallRecord>& calls,
                                                    const std::string& site);

// One record per vendor seen, then one per unknown behaviour script.
std::vector<SessionRecorderRecord> DetectSessionRecorders(const std::vector<ApiCallRecord>& calls,
                                                          const std::vector<RequestRecord>& requests,
                                                          const std::string& site);

// The vendor whose recording endpoints include `url`, or "" for none.
std::string SessionRecorderVendor(const std::string& url);

}  // namespace worker
