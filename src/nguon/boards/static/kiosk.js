// The kiosk player of a public board: full screen, rotates the playlist, asks for changes
// (a 304 when nothing changed), shows an emergency at once, keeps the last playlist and its
// slides (service worker) to go on showing them when the network is down, and reports proof
// of play.
//
// No secret travels in a URL: the operator opens the one-time pairing address
// (@@kiosk#pair=<code>, the code in the fragment, which is never sent to a server); the player
// posts the code in a header to @kiosk-session and gets the board's session as an HttpOnly,
// SameSite=Strict cookie, which it renews every ten minutes. Every request below carries that
// cookie, nothing else. The board API (@board-playlist, @board-proof, @kiosk-session) is
// plone.restapi's: every call asks for JSON (Accept: application/json).
//
// Emergencies also come from the messaging engine (nguon.devices.broadcast): the session's
// "broadcast" names the broker's WebSockets address, the board's topics and the site's public
// keys. The player subscribes with mqtt.js (@@kiosk-mqtt.js) and believes a list only when one
// of its Ed25519 signatures verifies (WebCrypto) under a pinned key over the list's canonical
// JSON (radio.signing: keys sorted, no spaces, UTF-8, non-ASCII as is), signed for this very
// topic, newer than the last list of the topic and within its validity. What the lists hold
// takes the board over at once, rendered here from the data (no request to the site); an item
// a later list no longer holds leaves at once. The 2 s polling stays the fallback, every 30 s
// while the broker is connected; while it is out of reach, what the playlist no longer holds
// leaves too. Each emergency received is reported once ("received").
(function () {
  "use strict";
  var root = document.getElementById("kiosk");
  var base = root.getAttribute("data-base");
  var pairing = new URLSearchParams(location.hash.slice(1)).get("pair");
  if (location.hash) history.replaceState(null, "", location.pathname);
  var status = document.getElementById("kiosk-status");
  var image = document.getElementById("kiosk-slide");
  var panel = document.getElementById("kiosk-takeover");
  var playlist = JSON.parse(localStorage.getItem("nguon-playlist") || "null");
  var etag = null, index = -1, timer = null, shown = null;
  var proofs = JSON.parse(localStorage.getItem("nguon-proofs") || "[]");
  var JSON_ONLY = {"Accept": "application/json"};
  var POLL = 2000, POLL_CONNECTED = 30000, SKEW = 60000, KIND = "broadcast";
  var settings = JSON.parse(localStorage.getItem("nguon-broadcast") || "null");
  var lists = JSON.parse(localStorage.getItem("nguon-broadcast-lists") || "{}");  // topic -> doc
  var received = JSON.parse(localStorage.getItem("nguon-received") || "{}");  // uid -> modified
  var withdrawn = {};  // uid -> true: a list held it, a later one no longer does
  var overruled = {};  // uid -> true: held by a list, but the playlist said it is over while
                       // the broker was out of reach (a Cancel the player could not hear)
  var client = null, connected = false, poller = null, lastStamp = 0;
  var refused = [];  // [{topic, reason}], newest last (for the operator's console and tests)

  function headers(extra) {
    return Object.assign({}, JSON_ONLY, extra || {});
  }

  // Every record the player makes has its own millisecond: a receipt and the showing of the
  // same item are two records of the report log.
  function stamp() {
    lastStamp = Math.max(Date.now(), lastStamp + 1);
    return lastStamp;
  }

  function slideUrl(slide) {
    var url = base + "/@@board-slide/" + slide.uid + "?v=" + Math.round(slide.modified);
    return slide.language ? url + "&language=" + encodeURIComponent(slide.language) : url;
  }

  function keep(name, value) {
    localStorage.setItem(name, JSON.stringify(value));
  }

  function record() {
    if (!shown) return;
    var seconds = (Date.now() - shown.at) / 1000;
    if (seconds >= 0.5) {
      proofs.push({item: shown.uid, shown_at: new Date(shown.at).toISOString(), seconds: seconds});
      keep("nguon-proofs", proofs.slice(-2000));
    }
    shown = null;
  }

  // -- the broadcast: canonical JSON, signatures, the lists' checks ------------------------

  function codePoints(a, b) {  // Python's str order (code points), not UTF-16 units
    var x = Array.from(a), y = Array.from(b);
    for (var i = 0; i < Math.min(x.length, y.length); i++) {
      var d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d) return d;
    }
    return x.length - y.length;
  }

  // json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False): strings as
  // JSON.stringify writes them (the same escapes), keys sorted by code point. Numbers must be
  // integers: a signed document carries no floats (JavaScript cannot tell 5.0 from 5).
  function canonical(value) {
    if (value === null || typeof value !== "object") {
      if (typeof value === "number" && !Number.isSafeInteger(value)) {
        throw new Error("số không nguyên trong bản tin có chữ ký");
      }
      return JSON.stringify(value);
    }
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    return "{" + Object.keys(value).sort(codePoints).map(function (key) {
      return JSON.stringify(key) + ":" + canonical(value[key]);
    }).join(",") + "}";
  }

  function bytes(base64) {
    return Uint8Array.from(atob(base64), function (c) { return c.charCodeAt(0); });
  }

  var imported = {};
  function publicKey(pin) {
    if (!imported[pin.key_id]) {
      imported[pin.key_id] = crypto.subtle.importKey(
        "raw", bytes(pin.public_key), {name: "Ed25519"}, false, ["verify"]);
    }
    return imported[pin.key_id];
  }

  // The payload of envelope when one of its signatures verifies under a pinned key in force;
  // else a rejection saying why (signing.verify).
  function verify(envelope, pins, now) {
    var payload = envelope && envelope.schedule, signatures = {};
    if (!payload || typeof payload !== "object" || !Array.isArray(envelope.signatures)) {
      return Promise.reject(new Error("không phải bản tin có chữ ký"));
    }
    envelope.signatures.forEach(function (s) { signatures[s.key_id] = s.signature; });
    var usable = pins.filter(function (pin) {
      return signatures[pin.key_id] && (!pin.not_after || now < Date.parse(pin.not_after));
    });
    if (!usable.length) return Promise.reject(new Error("bản tin ký bằng khóa khác khóa đã ghim"));
    var body;
    try {
      body = new TextEncoder().encode(canonical(payload));
    } catch (error) {
      return Promise.reject(error);
    }
    return usable.reduce(function (found, pin) {
      return found.then(function (ok) {
        if (ok) return ok;
        return publicKey(pin).then(function (key) {
          return crypto.subtle.verify({name: "Ed25519"}, key, bytes(signatures[pin.key_id]), body);
        }).catch(function () { return false; });
      });
    }, Promise.resolve(false)).then(function (ok) {
      if (!ok) throw new Error("chữ ký bản tin không hợp lệ (nội dung đã bị sửa)");
      return payload;
    });
  }

  // messaging.envelope.accept: the document a device subscribed to topic may use.
  function accept(topic, text, pins, last, now) {
    var envelope;
    try {
      envelope = JSON.parse(text);
    } catch (error) {
      return Promise.reject(new Error("tin nhận được không phải JSON"));
    }
    return verify(envelope, pins, now).then(function (doc) {
      if (doc.kind !== KIND) throw new Error("tài liệu được ký không phải bản tin cảnh báo");
      if (doc.station !== topic || doc.topic !== topic) {
        throw new Error("bản tin được ký cho nơi khác (" + doc.topic + "), không phải " + topic);
      }
      var from = Date.parse(doc.valid_from), until = Date.parse(doc.valid_until);
      if (!Array.isArray(doc.items) || isNaN(from) || isNaN(until) || !Number.isSafeInteger(doc.sequence)) {
        throw new Error("bản tin thiếu thời hạn, số thứ tự hoặc danh sách");
      }
      if (now + SKEW < from) throw new Error("bản tin chưa đến thời hạn dùng");
      if (now >= until) throw new Error("bản tin đã hết hạn");
      if (last && doc.sequence <= last.sequence) {
        throw new Error("bản tin cũ hơn bản đã nhận (số " + doc.sequence + " ≤ " + last.sequence + ")");
      }
      return doc;
    });
  }

  // What the lists hold now: items of lists still valid, not expired, once each, less the
  // alerts an Update among them replaces (takeover.superseded).
  function held(now) {
    var found = [], seen = {};
    Object.keys(lists).forEach(function (topic) {
      var doc = lists[topic];
      if (!settings || settings.topics.indexOf(topic) < 0 || now >= Date.parse(doc.valid_until)) return;
      doc.items.forEach(function (item) {
        if (seen[item.uid] || overruled[item.uid] || (item.expires && now >= Date.parse(item.expires))) return;
        seen[item.uid] = true;
        found.push(item);
      });
    });
    var referred = {};
    found.forEach(function (item) {
      (item.references || []).forEach(function (reference) {
        referred[reference.split(",").slice(0, 2).join(",")] = true;
      });
    });
    return found.filter(function (item) {
      return !(item.kind === "alert" && referred[item.sender + "," + item.identifier]);
    });
  }

  // Each emergency the player comes to hold (from a list, or the playlist) is reported once
  // per version of it.
  function receipts(items) {
    items.forEach(function (item) {
      if (received[item.uid] === item.modified) return;
      received[item.uid] = item.modified;
      proofs.push({item: item.uid, shown_at: new Date(stamp()).toISOString(), seconds: 0, status: "received"});
    });
    keep("nguon-received", received);
    keep("nguon-proofs", proofs.slice(-2000));
  }

  function listed(topic, doc) {
    var before = held(Date.now()).map(function (item) { return item.uid; });
    doc.items.forEach(function (item) { delete overruled[item.uid]; });
    lists[topic] = doc;
    keep("nguon-broadcast-lists", lists);
    var now = held(Date.now());
    var uids = now.map(function (item) { return item.uid; });
    before.forEach(function (uid) { if (uids.indexOf(uid) < 0) withdrawn[uid] = true; });
    uids.forEach(function (uid) { delete withdrawn[uid]; });
    receipts(now);
    report();
    if (JSON.stringify(before) !== JSON.stringify(uids)) {
      show(0);
      refresh();  // the playlist catches up at once
    }
  }

  function message(topic, payload) {
    var last = lists[topic] || null;
    accept(topic, new TextDecoder().decode(payload), settings.keys, last, Date.now())
      .then(function (doc) { listed(topic, doc); })
      .catch(function (error) {
        refused.push({topic: topic, reason: error.message});
        if (refused.length > 100) refused.shift();
        console.warn("nguon kiosk: refused list on " + topic + ": " + error.message);
      });
  }

  function poll(every) {
    clearInterval(poller);
    poller = setInterval(refresh, every);
  }

  function connect() {
    if (client || !settings || !window.mqtt || !(window.crypto && crypto.subtle)) return;
    client = window.mqtt.connect(settings.url, {
      protocolVersion: 5, clean: true, reconnectPeriod: 2000, connectTimeout: 10000,
      clientId: "nguon-kiosk-" + Math.random().toString(16).slice(2, 14)
    });
    client.on("connect", function () {
      client.subscribe(settings.topics, {qos: 1}, function (error) {
        if (error) return;
        connected = true;
        root.setAttribute("data-broker", "connected");
        poll(POLL_CONNECTED);
      });
    });
    client.on("close", function () {
      if (connected) poll(POLL);
      connected = false;
      root.setAttribute("data-broker", "disconnected");
    });
    client.on("message", message);
  }

  function configure(fresh) {
    if (JSON.stringify(fresh) === JSON.stringify(settings)) return;
    if (client) { client.end(true); client = null; connected = false; poll(POLL); }
    settings = fresh;
    keep("nguon-broadcast", settings);
    connect();
  }

  // -- what is shown ---------------------------------------------------------------------

  // The slides shown now: the broadcast's takeover, one slide per language of each item;
  // else the playlist less what a list withdrew and the playlist has not caught up with.
  function slides() {
    var duration = (settings && settings.duration) || 12;
    var takeover = [];
    held(Date.now()).forEach(function (item) {
      item.languages.forEach(function (language) {
        takeover.push({uid: item.uid, alert: item, language: language.language,
                       title: language.headline, duration: duration, source: "broadcast"});
      });
    });
    if (takeover.length) return takeover;
    return ((playlist && playlist.slides) || []).filter(function (slide) {
      return !withdrawn[slide.uid];
    });
  }

  function fitText(element) {
    var size = Math.max(12, Math.round(Math.min(innerWidth, innerHeight) / 6));
    element.style.fontSize = size + "px";
    while (size > 7 && (element.scrollHeight > element.clientHeight + 1 ||
                        element.scrollWidth > element.clientWidth + 1)) {
      size = Math.max(7, Math.floor(size * 0.92));
      element.style.fontSize = size + "px";
    }
  }

  function render(slide) {
    var item = slide.alert, language = item.languages.filter(function (l) {
      return l.language === slide.language;
    })[0] || item.languages[0];
    var title = item.severity_title.toUpperCase();
    panel.querySelector(".band").textContent = language.event ? title + " · " + language.event : title;
    panel.querySelector(".headline").textContent = language.headline;
    panel.querySelector(".instruction").textContent = language.instruction;
    panel.querySelector(".instruction").hidden = !language.instruction;
    panel.querySelector(".footer").textContent = [item.until, item.area].filter(Boolean).join(" · ");
    panel.style.background = item.colours.background;
    panel.style.color = item.colours.text;
    panel.querySelector(".instruction").style.background = item.colours.text;
    panel.querySelector(".instruction").style.color = item.colours.background;
    panel.setAttribute("data-uid", item.uid);
    panel.setAttribute("data-language", language.language);
    panel.setAttribute("data-source", slide.source || "playlist");
    panel.setAttribute("lang", language.language);
    panel.hidden = false;
    fitText(panel);
    if (document.fonts) document.fonts.ready.then(function () { fitText(panel); });
  }

  function show(position) {
    record();
    clearTimeout(timer);
    var list = slides();
    if (!list.length) {
      image.removeAttribute("src");
      image.setAttribute("data-uid", "");
      panel.hidden = true;
      panel.setAttribute("data-uid", "");
      root.className = "dark";
      timer = setTimeout(function () { show(0); }, 2000);
      return;
    }
    index = position % list.length;
    var slide = list[index];
    root.className = slide.alert || (playlist && playlist.emergency) ? "emergency" : "";
    if (slide.alert) {
      image.removeAttribute("src");
      image.setAttribute("data-uid", "");
      render(slide);
    } else {
      panel.hidden = true;
      panel.setAttribute("data-uid", "");
      image.src = slideUrl(slide);
      image.setAttribute("data-uid", slide.uid);
      image.alt = slide.title;
    }
    shown = {uid: slide.uid, at: stamp()};
    timer = setTimeout(function () { show(index + 1); }, slide.duration * 1000);
  }

  function session() {
    var sent = headers(pairing ? {"X-Board-Pairing": pairing} : {});
    pairing = null;  // one use
    return fetch(base + "/@kiosk-session", {method: "POST", headers: sent, credentials: "same-origin"})
      .then(function (answer) {
        if (answer.status === 401) status.textContent = root.getAttribute("data-unpaired");
        return answer.ok ? answer.json() : null;
      })
      .then(function (data) { if (data) configure(data.broadcast || null); })
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
        var before = JSON.stringify(slides());
        var uids = fresh.slides.map(function (slide) { return slide.uid; });
        Object.keys(withdrawn).forEach(function (uid) {
          if (uids.indexOf(uid) < 0) delete withdrawn[uid];  // the playlist caught up
        });
        if (!connected) {
          held(Date.now()).forEach(function (item) {
            if (uids.indexOf(item.uid) < 0) overruled[item.uid] = true;
          });
        }
        playlist = fresh;
        keep("nguon-playlist", fresh);
        if (fresh.emergency) {
          receipts(fresh.slides.map(function (slide) {
            return {uid: slide.uid, modified: slide.alert ? slide.alert.modified : Math.floor(slide.modified)};
          }));
        }
        if (JSON.stringify(slides()) !== before) show(0);
      })
      .catch(function () { status.textContent = root.getAttribute("data-offline"); });
  }

  // One report in flight at a time: an answer drops from the front as many records as its
  // batch held, so two overlapping batches (the 5-second timer's and a takeover's) would drop
  // records that neither of them sent.
  var reporting = false, reportAgain = false;

  function report() {
    if (reporting) { reportAgain = true; return; }
    if (!proofs.length) return;
    var batch = proofs.slice(0, 200);
    reporting = true;
    fetch(base + "/@board-proof", {
      method: "POST", headers: headers({"Content-Type": "application/json"}), credentials: "same-origin",
      body: JSON.stringify({records: batch})
    }).then(function (answer) {
      if (answer.ok || answer.status === 400) {
        proofs = proofs.slice(batch.length);
        keep("nguon-proofs", proofs);
      }
    }).catch(function () {}).then(function () {
      reporting = false;
      if (reportAgain) { reportAgain = false; report(); }
    });
  }

  // For the operator's console and the tests: the checks, and what was refused.
  window.nguonKiosk = {canonical: canonical, verify: verify, accept: accept, refused: refused,
                       held: function () { return held(Date.now()); }};

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(base + "/@@kiosk-sw.js").catch(function () {});
  }
  if (root.requestFullscreen) { root.addEventListener("click", function () { root.requestFullscreen(); }); }
  show(0);
  connect();  // the last session's broadcast settings: the broker may be up while the site is not
  session().then(function () {
    refresh();
    poll(connected ? POLL_CONNECTED : POLL);
    setInterval(report, 5000);
    setInterval(session, 600000);
  });
})();
