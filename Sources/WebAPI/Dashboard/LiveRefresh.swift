/// The dashboard's only script: every 15 s it asks the server for the page's `<main>` content
/// (header `X-BK-Fragment`) and swaps it in when its stamp changed. It skips a hidden tab and a
/// half-filled form (text typed or an option chosen), and reloads when the session has ended (the fetch lands on the login page).
/// One request at a time per open page, no server state: nothing grows with viewers or time.
enum LiveRefresh {
    static let intervalMillis = 15_000

    /// The URL pages load it from: the script's fingerprint in the query, so a gateway update
    /// is fetched at once although browsers cache the script for an hour.
    static let path = "/dashboard/live.js?v=\(PageKit.stamp(script))"

    static let script = """
        (function () {
          var main = document.querySelector('main[data-stamp]');
          if (!main) return;
          var busy = false;
          function typing() {
            var fields = main.querySelectorAll('input[type=text], textarea, select');
            for (var i = 0; i < fields.length; i++) if (fields[i].value !== '' || fields[i] === document.activeElement) return true;
            return false;
          }
          setInterval(function () {
            if (busy || document.hidden || typing()) return;
            busy = true;
            fetch(location.href, { headers: { 'X-BK-Fragment': '1' }, credentials: 'same-origin', cache: 'no-store' })
              .then(function (r) {
                if (r.redirected || r.status === 401) { location.reload(); return; }
                var stamp = r.headers.get('X-BK-Stamp');
                if (r.ok && stamp && stamp !== main.getAttribute('data-stamp')) {
                  return r.text().then(function (html) { main.innerHTML = html; main.setAttribute('data-stamp', stamp); });
                }
              })
              .catch(function () {})
              .then(function () { busy = false; });
          }, \(intervalMillis));
        })();
        """
}
