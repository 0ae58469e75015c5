"""How Altair charts leave a notebook: interactive HTML for the site, a PNG for the PDF.

One execution serves both builders: the renderer returns a single mimebundle with `text/html`
(drawn in the browser by the site's own copy of Vega, never a CDN) and `image/png` (300 dpi at the
PDF's text width, made by vl-convert). myst-nb picks the first for HTML and the second for LaTeX.
Element ids are derived from the spec, so outputs are identical between runs.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json

import altair as alt
import vl_convert

RENDERER_NAME = "startup_capitalism"
VEGALITE_VERSION = "v" + ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
# Charts are 490 to 720 px wide and are printed at the PDF's text width (about 6.3 in): scale 4
# gives 310 dpi or more.
PNG_SCALE = 4

EMBED_OPTIONS = {
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
}

_HTML_TEMPLATE = """\
<div class="startup-chart" id="{element_id}" role="figure" aria-label="{label}"></div>
<script type="text/javascript">
(function () {{
  var target = document.getElementById("{element_id}");
  var spec = {spec};
  if (typeof window.vegaEmbed !== "function") {{
    target.textContent = "This chart needs the book's vega-offline.js, which did not load.";
    console.error("vegaEmbed is not loaded for #{element_id}");
    return;
  }}
  window.vegaEmbed(target, spec, {options}).then(function () {{
    // vega-embed's menu button is an icon only: give it a name for screen readers
    target.querySelectorAll("summary").forEach(function (summary) {{
      summary.setAttribute("aria-label", "Chart menu: save the chart as an image");
    }});
  }}).catch(function (error) {{
    target.textContent = "The chart could not be drawn: " + error;
    console.error(error);
  }});
}})();
</script>"""


def vega_bundle_javascript() -> str:
    """Vega, Vega-Lite (the version Altair writes) and Vega-Embed as one script, from vl-convert."""
    return vl_convert.javascript_bundle(vl_version=VEGALITE_VERSION)


def _canonical_json(spec: dict) -> str:
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _title_text(spec: dict) -> str | None:
    """A spec's title: Vega-Lite allows a string or an object with `text`."""
    title = spec.get("title")
    return title.get("text") if isinstance(title, dict) else title


def chart_html(spec: dict) -> str:
    spec_json = _canonical_json(spec)
    element_id = "chart-" + hashlib.sha256(spec_json.encode()).hexdigest()[:12]
    label = spec.get("description") or _title_text(spec) or "Chart"
    return _HTML_TEMPLATE.format(
        element_id=element_id,
        label=html.escape(str(label), quote=True),
        spec=spec_json.replace("</", "<\\/"),
        options=json.dumps(EMBED_OPTIONS),
    )


# Hints that only make sense on screen; the static image for the PDF leaves them out.
SCREEN_ONLY_HINTS = (" (click to filter)", " Click the legend to filter.", "; hover for the passage")


def print_spec(spec: dict) -> dict:
    text = json.dumps(spec, ensure_ascii=False)
    for hint in SCREEN_ONLY_HINTS:
        text = text.replace(hint, "")
    return json.loads(text)


def chart_png(spec: dict) -> str:
    png = vl_convert.vegalite_to_png(print_spec(spec), vl_version=VEGALITE_VERSION, scale=PNG_SCALE)
    return base64.b64encode(png).decode("ascii")


def render(spec: dict, **_metadata) -> dict:
    return {
        "text/html": chart_html(spec),
        "image/png": chart_png(spec),
        "text/plain": f"<Chart: {_title_text(spec) or spec.get('description', 'untitled')}>",
    }


alt.renderers.register(RENDERER_NAME, render)


def enable() -> None:
    """Use this module's renderer for every chart the notebook displays or glues."""
    alt.renderers.enable(RENDERER_NAME)
