// Filing one report through the site's REST service POST <unit>/@feedback, with the ALTCHA
// proof of work that service asks of anonymous senders (GET @feedback-challenge, solved
// here with the altcha library's PBKDF2 solver). Loaded only when a report is sent.
import { solveChallenge, pbkdf2 } from 'altcha/lib';
import { SITE, HttpError } from './api.js';

// The `altcha` payload one POST of @feedback or @survey-answer carries (each costs a new one).
export async function proofOfWork() {
  const response = await fetch(new URL('@feedback-challenge', SITE), {
    headers: { Accept: 'application/json' },
    cache: 'no-store',
  });
  if (!response.ok) throw new Error('challenge');
  const challenge = await response.json();
  const solution = await solveChallenge({ challenge, deriveKey: pbkdf2.deriveKey });
  if (!solution) throw new Error('unsolved');
  const payload = {
    challenge: { parameters: challenge.parameters, signature: challenge.signature },
    solution,
  };
  return btoa(JSON.stringify(payload));
}

// {ok: true, answer} once filed; {ok: false, status, message} when the site refused it
// (a refusal is final: sending it again would be refused again). A network failure throws.
export async function send(report) {
  const altcha = await proofOfWork();
  const response = await fetch(`${report.unitUrl}/@feedback`, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...report.body, altcha }),
  });
  let body = null;
  try {
    body = await response.json();
  } catch {
    // no JSON
  }
  if (response.ok) return { ok: true, answer: body };
  if (response.status >= 500 || response.status === 429) {
    throw new HttpError(response.status, 'later'); // try again later
  }
  return {
    ok: false,
    status: response.status,
    message: body?.error?.message || body?.message || response.statusText,
  };
}
