// Script-set cookies: one new (set_by js), one also set by the header (set_by both).
document.cookie = "js_cookie=j1; Path=/; Max-Age=3600";
document.cookie = "hdr_plain=overwritten-by-js; Path=/; Max-Age=3600";
