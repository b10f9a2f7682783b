vcl 4.1;
# Varnish 7.1 configuration for Nguồn: the shared cache in front of the Plone instances
# (in the cluster: in front of HAProxy, which balances the instances).
#
# This file is a template (Python's string.Template): ${backend_host} and ${backend_port} are
# put in when it is rendered (nguon-cluster renders it into var/cluster/); a literal dollar
# sign is written $$ (regular expressions' end anchor). Render and check it with:
#   python -c 'import string,sys; print(string.Template(open(sys.argv[1]).read())
#       .substitute(backend_host="127.0.0.1", backend_port="8080"))' deploy/varnish/nguon.vcl > nguon.vcl
#   varnishd -C -f $$PWD/nguon.vcl > /dev/null
#
# What it does (docs/caching.md): like Plone's own production examples, it caches only what
# plone.app.caching's rules allow a shared cache to keep (s-maxage / public max-age), never
# anything asked for with Plone's login cookies (__ac, auth_*) or an Authorization header,
# strips tracking cookies, answers conditional requests (If-None-Match, If-Modified-Since)
# from the cache, serves stale public pages for a while when the backend is down (grace),
# and takes PURGE and BAN only from the addresses of the "purge" ACL (plone.cachepurging,
# setting NGUON_CACHING_PROXIES):
#   PURGE /path      drops every cached answer for /path, whatever its query string
#                    (feed.json?since=… included), for every Host;
#   BAN /regex       drops every cached answer whose path matches ^regex (nguon's
#                    publishing purges "<unit path>/.*feed." for a unit's whole subtree).

import std;

backend plone {
    .host = "${backend_host}";
    .port = "${backend_port}";
    .connect_timeout = 2s;
    .first_byte_timeout = 120s;
    .between_bytes_timeout = 60s;
    .max_connections = 400;
    .probe = {
        # Products.CMFPlone's @@ok: cheap, never cached, answers on the Zope root too.
        .request =
            "GET /ok HTTP/1.1"
            "Host: localhost"
            "Connection: close"
            "User-Agent: varnish-health-probe";
        .expected_response = 200;
        .timeout = 3s;
        .interval = 2s;
        .window = 5;
        .threshold = 2;
        .initial = 2;
    }
}

# Who may PURGE and BAN: the Plone instances (plone.cachepurging) on this host. Add the
# addresses of the instances' hosts when they run elsewhere.
acl purge {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    set req.backend_hint = plone;

    if (req.method == "PURGE" || req.method == "BAN") {
        if (client.ip !~ purge) {
            return (synth(405, "Not allowed"));
        }
        if (req.method == "PURGE") {
            # Every variant of the path: query strings (feed cursors), hosts, Vary.
            if (std.ban("obj.http.x-path == " + regsub(req.url, "\?.*$$", ""))) {
                return (synth(200, "Purged"));
            }
        } else {
            if (std.ban("obj.http.x-path ~ ^" + req.url)) {
                return (synth(200, "Banned"));
            }
        }
        return (synth(400, std.ban_error()));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        # POST, PUT, DELETE, PATCH, OPTIONS...: always the backend's (CSRF tokens included).
        return (pass);
    }

    # A dead backend: stale public answers for up to the object's grace (vcl_backend_response);
    # a healthy one: a short grace, fetched again in the background.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 10s;
    }

    # Anything signed or authenticated is private: never shared, never stored. A subscriber's
    # signed poll also goes to Plone, which counts what it served (the delivery ledger);
    # radio stations and boards authenticate with their own token headers.
    if (req.http.Authorization
        || req.http.X-Nguon-Subscription
        || req.http.X-Hub-Signature
        || req.http.X-Station-Token
        || req.http.X-Board-Token
        || req.http.X-Board-Pairing) {
        return (pass);
    }

    # Cookies: keep only those Plone and Nguồn read (a request with any of them is passed to
    # the backend), drop the rest (analytics and other tracking cookies) so anonymous
    # requests share the cache.
    if (req.http.Cookie) {
        set req.http.Cookie = ";" + req.http.Cookie;
        set req.http.Cookie = regsuball(req.http.Cookie, "; +", ";");
        set req.http.Cookie = regsuball(req.http.Cookie,
            ";(__ac|__ac_[^=]*|auth_[^=]*|_ZopeId|__cp|statusmessages|I18N_LANGUAGE|nguon[^=]*)=",
            "; \1=");
        set req.http.Cookie = regsuball(req.http.Cookie, ";[^ ][^;]*", "");
        set req.http.Cookie = regsuball(req.http.Cookie, "^[; ]+|[; ]+$$", "");
        if (req.http.Cookie == "") {
            unset req.http.Cookie;
        }
    }
    if (req.http.Cookie) {
        return (pass);
    }

    # Zope's management screens and Plone's own private corners are never cached.
    if (req.url ~ "/(manage|manage_[^/?]*|@@?overview-controlpanel|login|logout|acl_users)(/|\?|$$)") {
        return (pass);
    }

    # One compression variant key instead of every browser's spelling (Varnish gzips itself).
    if (req.http.Accept-Encoding) {
        if (req.http.Accept-Encoding ~ "gzip") {
            set req.http.Accept-Encoding = "gzip";
        } else {
            unset req.http.Accept-Encoding;
        }
    }

    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    # The host is part of the key: answers hold absolute links built from it.
    if (req.http.host) {
        hash_data(req.http.host);
    } else {
        hash_data(server.ip);
    }
    return (lookup);
}

sub vcl_backend_response {
    # The path (without query) of what is stored, for PURGE and BAN (lurker-friendly bans).
    set beresp.http.x-path = regsub(bereq.url, "\?.*$$", "");

    if (bereq.uncacheable) {
        return (deliver);
    }

    # Only what plone.app.caching explicitly lets a shared cache keep: an s-maxage, or a
    # public max-age set by one of its rules (X-Cache-Operation: static resources). An answer
    # without such a rule (a page for people, an error, a view's own "public, max-age" meant
    # for browsers, such as a report's photo or a CAP alert) is not stored, even though
    # Varnish's default would keep it for two minutes.
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(?i)(private|no-store)"
        || beresp.http.Vary == "*"
        || !(beresp.http.Cache-Control ~ "(?i)s-maxage=[1-9]"
             || (beresp.http.X-Cache-Operation
                 && beresp.http.Cache-Control ~ "(?i)public"
                 && beresp.http.Cache-Control ~ "(?i)max-age=[1-9]"))) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    if (beresp.status != 200 && beresp.status != 203 && beresp.status != 301
        && beresp.status != 404 && beresp.status != 410) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }

    # Stale answers served while the backend is sick (req.grace is short while it is healthy),
    # and kept a while longer to revalidate with a conditional request (ETag, Last-Modified).
    set beresp.grace = 10m;
    set beresp.keep = 1h;
    return (deliver);
}

sub vcl_backend_error {
    # The backend is unreachable and nothing stale is left: say so plainly.
    set beresp.http.Content-Type = "text/plain; charset=utf-8";
    set beresp.http.Retry-After = "5";
    set beresp.http.Cache-Control = "no-store";
    synthetic("503 Service Unavailable: Nguồn is not reachable right now.");
    return (deliver);
}

sub vcl_deliver {
    # s-maxage is this cache's: a cache further down never gets the purges.
    if (resp.http.Cache-Control ~ "(?i)s-maxage") {
        set resp.http.Cache-Control = regsuball(resp.http.Cache-Control, "(?i)s-maxage=[0-9]+ *,? *", "");
        set resp.http.Cache-Control = regsub(resp.http.Cache-Control, "[, ]+$$", "");
    }
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    set resp.http.X-Cache-Hits = obj.hits;
    unset resp.http.x-path;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}

sub vcl_synth {
    set resp.http.Cache-Control = "no-store";
}
