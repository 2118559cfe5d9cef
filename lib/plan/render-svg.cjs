// Renders a Graphviz graph (DOT on stdin) to SVG on stdout with @viz-js/viz, whose WebAssembly start is
// asynchronous; the report calls this script synchronously so synthesis stays synchronous.
// Usage: node render-svg.cjs <path of @viz-js/viz's CommonJS entry>
'use strict';
const { instance } = require(process.argv[2]);
let dot = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { dot += d; });
process.stdin.on('end', () => {
  instance()
    .then((viz) => process.stdout.write(viz.renderString(dot, { format: 'svg' })))
    .catch((e) => { process.stderr.write(String(e)); process.exit(1); });
});
