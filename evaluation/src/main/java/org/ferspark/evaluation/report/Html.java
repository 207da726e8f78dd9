package org.ferspark.evaluation.report;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The shell of a report page (head, style, the image-count script, a Content-Security-Policy that allows nothing
 * from outside the file) and HTML escaping. Every string from a model, a dataset or a file name goes through
 * {@link #esc}.
 */
final class Html {

  /**
   * Sets {@code data-images-loaded} / {@code data-images-total} on the body once the page has loaded, so a headless
   * browser can tell that every embedded image decoded.
   */
  static final String IMAGE_CHECK_SCRIPT = "window.addEventListener('load',function(){"
      + "var i=Array.prototype.slice.call(document.images);"
      + "document.body.dataset.imagesTotal=i.length;"
      + "document.body.dataset.imagesLoaded=i.filter(function(m){return m.complete&&m.naturalWidth>0;}).length;});";

  private static final String STYLE = """
      body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1b1f24;
      margin:24px auto;max-width:1200px;padding:0 16px}
      h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;
      padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
      .sub{color:#57606a;margin:0 0 12px}
      table{border-collapse:collapse;margin:6px 0 12px}th,td{border:1px solid #d0d7de;padding:4px 9px}
      th{background:#f6f8fa;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
      table.cm td{text-align:center;min-width:58px}table.cm small{display:block;font-size:11px}
      .note{color:#57606a;font-style:italic}.warn{color:#9a6700}.yes{color:#1a7f37;font-weight:600}
      .no{color:#57606a}img{max-width:100%;height:auto;border:1px solid #d0d7de;margin:4px 0}
      tr.chosen th,tr.chosen td{background:#fff8c5;font-weight:600}
      .row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}.row>div{flex:1 1 420px}
      code{font:12px ui-monospace,"DejaVu Sans Mono",monospace;background:#f6f8fa;padding:1px 4px;
      word-break:break-all}
      figure.face{display:inline-block;margin:4px 6px;vertical-align:top;width:128px;text-align:center}
      figure.face img{border:3px solid #cf222e}figure.face figcaption{font-size:11px;line-height:1.3}
      """;

  private Html() {
  }

  /** Escapes text for an HTML element body or a double-quoted attribute value; null becomes "". */
  static String esc(Object value) {
    if (value == null) {
      return "";
    }
    String s = String.valueOf(value);
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
      }
    }
    return b.toString();
  }

  /** A complete page: {@code title} is escaped here, {@code body} must already be HTML. */
  static String page(String title, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
        + "style-src 'unsafe-inline'; script-src '" + scriptHash() + "'\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<title>" + esc(title) + "</title>\n<style>\n" + STYLE + "</style>\n"
        + "<script>" + IMAGE_CHECK_SCRIPT + "</script>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
  }

  /** An {@code <img>} whose source is the PNG itself, as a data: URI. */
  static String img(byte[] png, String alt) {
    return "<img src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png) + "\" alt=\"" + esc(alt)
        + "\">";
  }

  /** The CSP source that lets exactly {@link #IMAGE_CHECK_SCRIPT} run and no other script. */
  private static String scriptHash() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(IMAGE_CHECK_SCRIPT.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
