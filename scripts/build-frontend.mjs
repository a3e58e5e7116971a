// Builds the front end into static/ from the npm packages: no CDN, nothing fetched at run time.
// - static/vrhub/vrhub.css: GOV.UK Frontend compiled with vrhub's settings (src/vrhub/core/frontend)
// - static/govuk/: GOV.UK Frontend's JavaScript module and its images
// - static/leaflet/: Leaflet's script, style sheet and images, for the hot-spot map
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const leaflet = join(root, "node_modules", "leaflet", "dist");
const out = join(root, "static");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "vrhub"), { recursive: true });
mkdirSync(join(out, "govuk"), { recursive: true });

const result = sass.compile(join(root, "src", "vrhub", "core", "frontend", "vrhub.scss"), {
  loadPaths: [join(root, "node_modules", "govuk-frontend", "dist")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "color-functions", "slash-div", "if-function"],
});
writeFileSync(join(out, "vrhub", "vrhub.css"), result.css);
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk", "govuk-frontend.min.js"));
cpSync(join(govuk, "assets", "images"), join(out, "govuk", "assets", "images"), { recursive: true });
// The style sheet finds its images at images/ beside it, so they keep that layout.
mkdirSync(join(out, "leaflet"), { recursive: true });
for (const name of ["leaflet.js", "leaflet.css"]) {
  cpSync(join(leaflet, name), join(out, "leaflet", name));
}
cpSync(join(leaflet, "images"), join(out, "leaflet", "images"), { recursive: true });
console.log(`Front end built into ${out}`);
