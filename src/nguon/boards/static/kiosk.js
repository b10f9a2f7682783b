// The kiosk player of a public board: full screen, rotates the playlist, asks for changes
// every two seconds (a 304 when nothing changed), shows an emergency at once, keeps the last
// playlist and its slides (service worker) to go on showing them when the network is down,
// and reports proof of play.
//
// No secret travels in a URL: the operator opens the one-time pairing address
// (@@kiosk#pair=<code>, the code in the fragment, which is never sent to a server); the player
// posts the code in a header to @kiosk-session and gets the board's session as an HttpOnly,
// SameSite=Strict cookie, which it renews every ten minutes. Every request below carries that
// cookie, nothing else. The board API (@board-playlist, @board-proof, @kiosk-session) is
// plone.restapi's: every call asks for JSON (Accept: application/json).
(function () {
  "use strict";
  var root = document.getElementById("kiosk");
  var base = root.getAttribute("data-base");
  var pairing = new URLSearchParams(location.hash.slice(1)).get("pair");
  if (location.hash) history.replaceState(null, "", location.pathname);
  var status = document.getElementById("kiosk-status");
  var image = document.getElementById("kiosk-slide");
  var playlist = JSON.parse(localStorage.getItem("nguon-playlist") || "null");
  var etag = null, index = -1, timer = null, shown = null;
  var proofs = JSON.parse(localStorage.getItem("nguon-proofs") || "[]");
  var JSON_ONLY = {"Accept": "application/json"};

  function headers(extra) {
    return Object.assign({}, JSON_ONLY, extra || {});
  }

  function slideUrl(slide) {
    return base + "/@@board-slide/" + slide.uid + "?v=" + Math.round(slide.modified);
  }

  function record() {
    if (!shown) return;
    var seconds = (Date.now() - shown.at) / 1000;
    if (seconds >= 0.5) {
      proofs.push({item: shown.uid, shown_at: new Date(shown.at).toISOString(), seconds: seconds});
      localStorage.setItem("nguon-proofs", JSON.stringify(proofs.slice(-2000)));
    }
    shown = null;
  }

  function show(position) {
    record();
    clearTimeout(timer);
    var slides = (playlist && playlist.slides) || [];
    if (!slides.length) {
      image.removeAttribute("src");
      image.setAttribute("data-uid", "");
      root.className = "dark";
      timer = setTimeout(function () { show(0); }, 2000);
      return;
    }
    index = position % slides.length;
    var slide = slides[index];
    root.className = playlist.emergency ? "emergency" : "";
    image.src = slideUrl(slide);
    image.setAttribute("data-uid", slide.uid);
    image.alt = slide.title;
    shown = {uid: slide.uid, at: Date.now()};
    timer = setTimeout(function () { show(index + 1); }, slide.duration * 1000);
  }

  function session() {
    var sent = headers(pairing ? {"X-Board-Pairing": pairing} : {});
    pairing = null;  // one use
    return fetch(base + "/@kiosk-session", {method: "POST", headers: sent, credentials: "same-origin"})
      .then(function (answer) {
        if (answer.status === 401) status.textContent = root.getAttribute("data-unpaired");
      })
      .catch(function () {});
  }

  function refresh() {
    var sent = headers(etag ? {"If-None-Match": etag} : {});
    fetch(base + "/@board-playlist", {headers: sent, cache: "no-store", credentials: "same-origin"})
      .then(function (answer) {
        if (answer.status === 401) {
          status.textContent = root.getAttribute("data-unpaired");
          return null;
        }
        status.textContent = "";
        if (answer.status === 304) return null;
        if (!answer.ok) throw new Error(answer.status);
        etag = answer.headers.get("ETag");
        return answer.json();
      })
      .then(function (fresh) {
        if (!fresh) return;
        var takeover = fresh.emergency && !(playlist && playlist.emergency);
        var changed = !playlist || JSON.stringify(fresh.slides) !== JSON.stringify(playlist.slides);
        playlist = fresh;
        localStorage.setItem("nguon-playlist", JSON.stringify(fresh));
        if (takeover || changed || (playlist.emergency !== fresh.emergency)) show(0);
      })
      .catch(function () { status.textContent = root.getAttribute("data-offline"); });
  }

  function report() {
    if (!proofs.length) return;
    var batch = proofs.slice(0, 200);
    fetch(base + "/@board-proof", {
      method: "POST", headers: headers({"Content-Type": "application/json"}), credentials: "same-origin",
      body: JSON.stringify({records: batch})
    }).then(function (answer) {
      if (answer.ok || answer.status === 400) {
        proofs = proofs.slice(batch.length);
        localStorage.setItem("nguon-proofs", JSON.stringify(proofs));
      }
    }).catch(function () {});
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(base + "/@@kiosk-sw.js").catch(function () {});
  }
  if (root.requestFullscreen) { root.addEventListener("click", function () { root.requestFullscreen(); }); }
  show(0);
  session().then(function () {
    refresh();
    setInterval(refresh, 2000);
    setInterval(report, 5000);
    setInterval(session, 600000);
  });
})();
