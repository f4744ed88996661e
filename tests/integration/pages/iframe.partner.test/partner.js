// Runs inside the cross-site iframe: its own tracker request and a script-set cookie.
document.cookie = "partner_js=pj-1; Path=/; SameSite=None; Secure";
fetch("https://tracker.test/px?src=iframe", { mode: "no-cors" });
new Image().src = "https://www.facebook.com/tr?id=1234567890&ev=ViewContent&src=iframe";
