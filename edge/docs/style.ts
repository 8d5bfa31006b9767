/**
 * The `/docs` page's stylesheet. One column with the contents folded above the reference on a
 * phone; from 64rem a sticky contents column beside it. Nothing may be wider than the screen:
 * table cells break long words, code blocks scroll inside their own box.
 */
export const DOCS_CSS = `
:root{color-scheme:light;--ink:#1a202c;--muted:#5a6474;--line:#dde3ea;--accent:#2b6cb0;--code:#f1f4f8;--panel:#f8fafc}
*{box-sizing:border-box}
html{scroll-padding-top:.5rem}
body{margin:0;font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink)}
a{color:var(--accent)}
.skip{position:absolute;left:-999px}.skip:focus{position:static}
.layout{display:grid;grid-template-columns:minmax(0,1fr)}
.toc{background:var(--panel);border-bottom:1px solid var(--line);padding:.5rem 1rem;font-size:.92rem}
.toc>summary{font-weight:600;cursor:pointer;padding:.35rem 0}
.toc h2{font-size:.75rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:1rem 0 .25rem}
.toc h2 a{color:inherit;text-decoration:none}
.toc ul{list-style:none;margin:0;padding:0}
.toc li a{display:block;padding:.2rem .4rem;border-radius:4px;color:var(--ink);text-decoration:none}
.toc li a:hover,.toc li a:focus-visible{background:#e6ecf4}
.toc .path{display:block;font:12px/1.35 ui-monospace,SFMono-Regular,Menlo,monospace;color:var(--muted);overflow-wrap:anywhere}
.toc .method{min-width:3.4em;margin-right:.3em}
.toc details summary{cursor:pointer;color:var(--muted);font-size:.75rem;text-transform:uppercase;letter-spacing:.06em;margin:1rem 0 .25rem}
.toc .schemas{columns:2;column-gap:.5rem}
.toc .schemas a{overflow-wrap:anywhere}
main{min-width:0;max-width:58rem;padding:1rem 1rem 4rem}
@media (min-width:64rem){
.layout{grid-template-columns:20rem minmax(0,1fr)}
.toc{position:sticky;top:0;height:100vh;overflow-y:auto;border-bottom:none;border-right:1px solid var(--line);padding:1rem}
main{padding:1.5rem 2.5rem 6rem}
@supports selector(::details-content){.toc>summary{display:none}.toc::details-content{content-visibility:visible}}
}
h1{font-size:1.9rem;line-height:1.2;margin:.5rem 0 1rem}
main h2{font-size:1.45rem;margin:2.5rem 0 .5rem;padding-top:.5rem;border-top:3px solid var(--ink)}
h3{font-size:1.15rem;margin:0 0 .35rem}
h3 a.anchor{color:inherit;text-decoration:none}
h3 a.anchor:hover::after{content:" #";color:var(--muted)}
.operation,.schema{border-top:1px solid var(--line);padding-top:1rem;margin-top:1.75rem}
.operation:target,.schema:target{border-top-color:var(--accent);border-top-width:3px}
.endpoint{margin:.2rem 0 .6rem;overflow-wrap:anywhere}
.endpoint code{font-size:.95em;background:none;padding:0}
small,.example,.auth{color:var(--muted)}
code{font:.88em ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--code);padding:0 .2em;border-radius:3px;overflow-wrap:anywhere}
.method{display:inline-block;min-width:3.8em;text-align:center;font:600 .72rem/1.7 ui-monospace,SFMono-Regular,Menlo,monospace;color:#fff;background:#4a5568;padding:0 .35em;border-radius:3px;vertical-align:.1em}
.method.get{background:#276749}.method.post{background:#2b6cb0}.method.patch,.method.put{background:#975a16}.method.delete{background:#c53030}
table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.9em}
td,th{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}
td:last-child{overflow-wrap:anywhere}
td:not(:last-child) code{overflow-wrap:normal}
th{background:var(--panel);font-weight:600}
.errors-head{margin:.6rem 0 0;font-size:.9em}
table.errors{margin-top:.2rem}
table.errors td:first-child,table.responses td:first-child{width:4.5em}
.sample{margin:.75rem 0 0}
.sample figcaption{font-size:.78rem;font-weight:600;color:var(--muted);margin-bottom:.2rem}
pre{margin:0;background:#1d2330;color:#e6ebf2;padding:.7rem .9rem;border-radius:6px;overflow-x:auto;tab-size:2}
pre code{background:none;padding:0;color:inherit;font-size:12.5px;line-height:1.5;overflow-wrap:normal}
.vars dt{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-weight:600}
.vars dd{margin:0 0 .4rem 1.2rem}
@media (max-width:40rem){
body{font-size:14px}h1{font-size:1.5rem}
table,tbody,tr,td{display:block}thead{display:none}
tr{border:1px solid var(--line);border-radius:4px;margin:.4rem 0;padding:.35rem .6rem}
td{border:none;padding:.1rem 0}
td:first-child{font-weight:600}
td:not(:first-child)::before{content:attr(data-label) ": ";color:var(--muted);font-size:.85em}
}
`;
