// Solve a challenge (JSON file, argv[2]) with the widget's own library (npm altcha, vendored
// in vendor/altcha; WebCrypto PBKDF2 as in the browser) and print the payload the widget
// sends. tests/feedback/test_challenge.py checks that the site accepts it.
import { pbkdf2, solveChallenge } from "../../vendor/altcha/node_modules/altcha/dist/lib/index.js";
import { readFileSync } from "node:fs";

const challenge = JSON.parse(readFileSync(process.argv[2], "utf8"));
const solution = await solveChallenge({ challenge, deriveKey: pbkdf2.deriveKey });
process.stdout.write(Buffer.from(JSON.stringify({ challenge, solution })).toString("base64"));
