// Surveys («Khảo sát»): those the people of the chosen commune may answer now
// (GET <unit>/@surveys: the commune's own and those reaching it from above), and one answered
// through GET/POST <survey>/@survey-answer with the proof of work of report-send.js (or, for
// a survey that asks for it, the six-digit code mailed by POST <survey>/@survey-code). The
// list and the surveys answered are kept on the phone (localStorage `nguon.surveys`,
// `nguon.surveys-answered`). Loaded only when a survey screen is opened.
import { T } from './strings.js';
import { getJSON } from './api.js';
import { load, save } from './store.js';
import { main, esc, say, when, show } from './ui.js';
import { proofOfWork } from './outbox.js';

const answered = () => load('surveys-answered', {});

function post(url, body) {
  return getJSON(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function noPlace() {
  show(
    `<h1>${T.surveysTitle}</h1><p>${T.noPlace}</p><p><a href="#/chon">${T.chooseTitle}</a></p>`,
    T.surveysTitle,
  );
}

// The list read now, or the one kept for this commune when there is no network.
async function readList(unit) {
  try {
    const data = await getJSON(`${unit.url}/@surveys`);
    const kept = { unit: unit.code, items: data.items, at: new Date().toISOString() };
    save('surveys', kept);
    return { ...kept, fresh: true };
  } catch {
    const kept = load('surveys');
    return kept?.unit === unit.code ? { ...kept, fresh: false } : null;
  }
}

function surveyCard(survey, done) {
  return `<li class="item">
      <a href="#/khao-sat/${encodeURIComponent(survey.UID)}">${esc(survey.title)}</a>
      ${done ? `<span class="mark answered">${T.surveyAnswered}</span>` : ''}
      ${survey.description ? `<p>${esc(survey.description)}</p>` : ''}
      <p class="meta">${esc(survey.unit?.title || '')}${survey.closes ? ` · ${T.surveyCloses}: ${esc(when(survey.closes))}` : ''}</p>
    </li>`;
}

export async function surveyList(unit) {
  if (!unit) return noPlace();
  show(
    `<h1>${T.surveysTitle} <span class="parent">${esc(unit.title)}</span></h1>
     <p class="help">${T.surveysHelp}</p>
     <div id="surveys"><p>${T.loading}</p></div>`,
    T.surveysTitle,
  );
  const list = await readList(unit);
  const box = main.querySelector('#surveys');
  if (!box) return;
  if (!list) {
    box.innerHTML = `<p>${T.surveysOffline}</p>`;
    return;
  }
  const done = answered();
  box.innerHTML = `
    ${list.fresh ? '' : `<p class="offline">${T.surveysSaved(esc(when(list.at)))}</p>`}
    ${list.items.length ? `<ul>${list.items.map((s) => surveyCard(s, done[s.UID])).join('')}</ul>` : `<p>${T.surveysNone}</p>`}`;
}

// -- one survey ------------------------------------------------------------------------------

function legend(question) {
  return `${esc(question.text)}${question.required ? ` <span class="required">${T.surveyRequiredMark}</span>` : ''}`;
}

function choices(question, type, values) {
  return values
    .map(
      ([value, title], i) => `<p class="choice"><input type="${type}" name="${esc(question.id)}"
          id="s-${esc(question.id)}-${i}" value="${esc(value)}">
        <label for="s-${esc(question.id)}-${i}">${esc(title)}</label></p>`,
    )
    .join('');
}

function questionField(question) {
  const id = esc(question.id);
  if (question.kind === 'text') {
    return `<p class="question" data-q="${id}"><label for="s-${id}-text">${legend(question)}</label>
        <textarea id="s-${id}-text" name="${id}" maxlength="2000" rows="3"></textarea></p>`;
  }
  let inner;
  if (question.kind === 'scale') {
    const points = [1, 2, 3, 4, 5].map((n) => [
      String(n),
      n === 1 && question.low ? `1 — ${question.low}` : n === 5 && question.high ? `5 — ${question.high}` : String(n),
    ]);
    inner = `<div class="scale">${choices(question, 'radio', points)}</div>`;
  } else {
    const type = question.kind === 'multiple' ? 'checkbox' : 'radio';
    inner = choices(question, type, (question.options || []).map((o) => [o.id, o.title]));
  }
  const hint = question.kind === 'multiple' ? `<p class="help">${T.surveyMany}</p>` : '';
  return `<fieldset class="question" data-q="${id}"><legend>${legend(question)}</legend>${hint}${inner}</fieldset>`;
}

function proofFields(form) {
  if (form.answer_mode !== 'contact') return '';
  return `<fieldset><legend>${T.surveyContactLegend}</legend>
      <p class="help" id="s-email-help">${T.surveyContactHelp}</p>
      <p><label for="s-email">${T.surveyEmail}</label>
        <input id="s-email" type="email" autocomplete="email" maxlength="200" aria-describedby="s-email-help"></p>
      <p><button type="button" id="s-send-code" class="secondary">${T.surveySendCode}</button></p>
      <p><label for="s-code">${T.surveyCode}</label>
        <input id="s-code" inputmode="numeric" autocomplete="one-time-code" maxlength="6"></p>
    </fieldset>`;
}

// {q1: "2", q2: ["1", "3"], q3: 4, q4: "…"}: what is answered, nothing for what is not.
function collect(formEl, questions) {
  const answers = {};
  for (const question of questions) {
    const inputs = [...formEl.querySelectorAll(`[name="${CSS.escape(question.id)}"]`)];
    if (question.kind === 'text') {
      const text = inputs[0]?.value.trim();
      if (text) answers[question.id] = text;
    } else if (question.kind === 'multiple') {
      const chosen = inputs.filter((i) => i.checked).map((i) => i.value);
      if (chosen.length) answers[question.id] = chosen;
    } else {
      const chosen = inputs.find((i) => i.checked);
      if (chosen) answers[question.id] = question.kind === 'scale' ? Number(chosen.value) : chosen.value;
    }
  }
  return answers;
}

function refuse(formEl, message) {
  const box = formEl.querySelector('#survey-error');
  box.textContent = message;
  box.hidden = false;
  say(message);
}

export async function surveyPage(unit, uid) {
  if (!unit) return noPlace();
  let survey = load('surveys')?.items?.find((s) => s.UID === uid);
  if (!survey) survey = (await readList(unit))?.items?.find((s) => s.UID === uid);
  if (!survey) {
    show(`<h1>${T.surveyMissing}</h1><p><a href="#/khao-sat">${T.back}</a></p>`, T.surveyMissing);
    return;
  }
  const done = answered()[uid];
  if (done) {
    show(
      `<p><a href="#/khao-sat">${T.back}</a></p>
       <h1>${esc(survey.title)}</h1>
       <p class="done"><span class="mark answered">${T.surveyAnswered}</span> ${T.surveyAnsweredAt(esc(when(done)))}</p>
       <p><a href="${esc(survey['@id'])}">${T.readOnSite}</a></p>`,
      survey.title,
    );
    return;
  }
  show(`<p><a href="#/khao-sat">${T.back}</a></p><h1>${esc(survey.title)}</h1><p>${T.loading}</p>`, survey.title);
  let form;
  try {
    form = await getJSON(`${survey['@id']}/@survey-answer`);
  } catch {
    show(
      `<p><a href="#/khao-sat">${T.back}</a></p><h1>${esc(survey.title)}</h1><p>${T.surveyNeedsNetwork}</p>`,
      survey.title,
    );
    return;
  }
  if (location.hash !== `#/khao-sat/${encodeURIComponent(uid)}`) return;
  show(
    `<p><a href="#/khao-sat">${T.back}</a></p>
     <h1>${esc(form.title)}</h1>
     ${form.description ? `<p>${esc(form.description)}</p>` : ''}
     <p class="meta">${esc(survey.unit?.title || '')}${form.closes ? ` · ${T.surveyCloses}: ${esc(when(form.closes))}` : ''}</p>
     ${form.open ? '' : `<p class="offline">${T.surveyClosed}</p>`}
     <form id="survey" novalidate>
       <p class="help">${T.surveyHelp}</p>
       ${form.questions.map(questionField).join('')}
       ${proofFields(form)}
       <p id="survey-error" class="error" hidden></p>
       <button type="submit">${T.surveySend}</button>
     </form>`,
    form.title,
  );
  const formEl = main.querySelector('#survey');
  formEl.querySelector('#s-send-code')?.addEventListener('click', (event) =>
    sendCode(event.currentTarget, formEl, survey),
  );
  formEl.addEventListener('submit', (event) => {
    event.preventDefault();
    submit(formEl, form, survey, uid, unit);
  });
}

async function sendCode(button, formEl, survey) {
  const email = formEl.querySelector('#s-email');
  if (!email.value.trim() || !email.checkValidity()) {
    refuse(formEl, T.surveyEmailNeeded);
    email.focus();
    return;
  }
  button.disabled = true;
  say(T.surveyCodeSending);
  try {
    await post(`${survey['@id']}/@survey-code`, {
      email: email.value.trim(),
      altcha: await proofOfWork(),
    });
    say(T.surveyCodeSent);
    formEl.querySelector('#s-code').focus();
  } catch (error) {
    refuse(formEl, error.status ? `${T.surveyRefused} ${error.message}` : T.surveyOffline);
  }
  button.disabled = false;
}

async function submit(formEl, form, survey, uid, unit) {
  const answers = collect(formEl, form.questions);
  const missing = form.questions.find((q) => q.required && !(q.id in answers));
  if (missing) {
    refuse(formEl, T.surveyRequired(missing.text));
    formEl.querySelector(`[data-q="${CSS.escape(missing.id)}"] input, [data-q="${CSS.escape(missing.id)}"] textarea`)?.focus();
    return;
  }
  if (!Object.keys(answers).length) {
    refuse(formEl, T.surveyBlank);
    return;
  }
  const button = formEl.querySelector('button[type=submit]');
  button.disabled = true;
  formEl.querySelector('#survey-error').hidden = true;
  say(T.surveySending);
  try {
    const body = { answers };
    if (form.answer_mode === 'contact') {
      body.email = formEl.querySelector('#s-email').value.trim();
      body.code = formEl.querySelector('#s-code').value.trim();
    } else {
      body.altcha = await proofOfWork();
    }
    await post(`${survey['@id']}/@survey-answer`, body);
  } catch (error) {
    button.disabled = false;
    refuse(formEl, error.status ? `${T.surveyRefused} ${error.message}` : T.surveyOffline);
    return;
  }
  save('surveys-answered', { ...answered(), [uid]: new Date().toISOString() });
  await surveyPage(unit, uid);
  say(T.surveyThanks);
}
