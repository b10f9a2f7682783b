// One of the citizen's reports (#/phan-anh/<id>): its state and steps, the unit's answer,
// and what its author may still do (POST @feedback-mine: rate the answer 1-5 once, reopen
// once after the answer, withdraw while open). What the site last said is kept on the phone
// (mine.js), so the page reads offline; a refusal is said in the status region and the form
// keeps what was typed. Loaded only when such a page is opened.
import { T } from './strings.js';
import { main, esc, say, when, show, clean } from './ui.js';
import { mine, remember, reports, readAnswer } from './mine.js';

const STARS = [1, 2, 3, 4, 5]; // nguon.feedback.lifecycle.RATINGS

const find = (id) => reports().find((r) => String(r.id) === String(id));

function steps(history) {
  if (!history?.length) return '';
  return `<h2 id="h-steps">${T.reportSteps}</h2>
    <ol class="steps" aria-labelledby="h-steps">${history
      .map(
        (step) => `<li><time datetime="${esc(step.at)}">${esc(when(step.at))}</time>:
          ${esc(T.reportStepNames[step.action] || T.reportStepOther)}
          ${step.note ? `<br><span class="note">${esc(step.note)}</span>` : ''}</li>`,
      )
      .join('')}</ol>`;
}

function answerBox(answer) {
  if (!answer) return '';
  return `<section class="answer" aria-labelledby="h-answer">
      <h2 id="h-answer">${T.reportAnswerTitle}</h2>
      <p><strong>${esc(answer.title)}</strong></p>
      ${answer.text ? `<div class="body">${clean(answer.text)}</div>` : ''}
      <p><a href="${esc(answer.url)}">${T.readOnSite}</a></p>
    </section>`;
}

function actions(last) {
  const out = [];
  if (last.rating) out.push(`<p class="rated">${T.reportRated(last.rating)}</p>`);
  if (last.can_rate) {
    out.push(`<form id="rate" novalidate>
        <fieldset><legend>${T.rateLegend}</legend>
          <p class="help" id="rate-help">${T.rateHelp}</p>
          <div class="stars">${STARS.map(
            (n) => `<p><input type="radio" name="stars" id="stars-${n}" value="${n}" aria-describedby="rate-help">
              <label for="stars-${n}">${esc(T.rateStar(n))}</label></p>`,
          ).join('')}</div>
        </fieldset>
        <p><label for="rate-comment">${T.rateComment}</label>
          <textarea id="rate-comment" maxlength="1000" rows="3"></textarea></p>
        <button type="submit">${T.rateSend}</button>
      </form>`);
  }
  if (last.can_reopen) {
    out.push(`<form id="reopen" novalidate>
        <h2>${T.reopenTitle}</h2>
        <p class="help" id="reopen-help">${T.reopenHelp}</p>
        <p><label for="reopen-reason">${T.reopenReason}</label>
          <textarea id="reopen-reason" maxlength="2000" rows="3" aria-describedby="reopen-help"></textarea></p>
        <button type="submit">${T.reopenSend}</button>
      </form>`);
  }
  if (last.can_withdraw) {
    out.push(`<form id="withdraw" novalidate>
        <h2>${T.withdrawTitle}</h2>
        <p><input type="checkbox" id="withdraw-sure"> <label for="withdraw-sure">${T.withdrawConfirm}</label></p>
        <button type="submit" class="secondary">${T.withdrawSend}</button>
      </form>`);
  }
  return out.join('');
}

function draw(report) {
  const last = report.last;
  const state = last ? T.reportStates[last.state] || last.state : '';
  show(
    `<article class="report">
      <p><a href="#/phan-anh">${T.back}</a></p>
      <h1>${T.reportNumber(esc(report.id))}</h1>
      ${navigator.onLine ? '' : `<p class="offline">${T.reportOffline}</p>`}
      <p class="report-state"><strong>${T.reportState}:</strong> ${esc(state || T.reportUnknown)}
        ${last?.handler_title ? `<br>${T.reportHandler}: ${esc(last.handler_title)}` : ''}
        ${last?.due && last.state !== 'closed' ? `<br>${T.reportDue}: ${esc(when(last.due))}` : ''}
        ${last ? `<br><span class="meta">${T.reportCheckedAt(esc(when(last.at)))}</span>` : ''}</p>
      <p>${esc(last?.text || report.text)}</p>
      <p class="meta">${T.reportCode(esc(report.code))}</p>
      ${last ? answerBox(last.answer) : ''}
      ${last ? actions(last) : ''}
      ${last ? steps(last.history) : ''}
      <p><button type="button" id="refresh">${T.reportRefresh}</button></p>
    </article>`,
    T.reportNumber(report.id),
  );
  main.querySelector('#refresh').addEventListener('click', () => refresh(report.id, true));
  main.querySelector('#rate')?.addEventListener('submit', (event) => rate(event, report));
  main.querySelector('#reopen')?.addEventListener('submit', (event) => reopen(event, report));
  main.querySelector('#withdraw')?.addEventListener('submit', (event) => withdraw(event, report));
}

// Ask the site again; the page is drawn anew only when nothing is being typed in it.
async function refresh(id, told = false) {
  const report = find(id);
  if (!report) return;
  const seen = (r) => JSON.stringify({ ...r?.last, at: null });
  const before = seen(report);
  try {
    remember(report.code, await mine(report.code, 'view'));
    await readAnswer(report.code).catch(() => null);
    if (told) say(T.reportUpdated);
  } catch (error) {
    if (told || error.status) {
      say(error.status ? `${T.reportStatusRefused} ${error.message}` : T.reportStatusFailed);
    }
    return;
  }
  if (location.hash !== `#/phan-anh/${encodeURIComponent(id)}`) return;
  const typing =
    [...main.querySelectorAll('textarea')].some((t) => t.value.trim()) ||
    main.querySelector('form input:checked');
  if (!typing && (told || seen(find(id)) !== before)) draw(find(id));
}

// An action of the author: done → kept and drawn again; refused → said, nothing typed lost.
async function act(report, action, extra, form, done) {
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    const view = await mine(report.code, action, extra);
    remember(report.code, view);
    await readAnswer(report.code).catch(() => null);
    draw(find(report.id));
    say(done);
  } catch (error) {
    button.disabled = false;
    say(error.status ? `${T.actionRefused} ${error.message}` : T.actionOffline);
  }
}

function rate(event, report) {
  event.preventDefault();
  const form = event.currentTarget;
  const chosen = form.querySelector('input[name=stars]:checked');
  if (!chosen) {
    say(T.rateChoose);
    form.querySelector('input[name=stars]').focus();
    return;
  }
  const comment = form.querySelector('#rate-comment').value.trim();
  act(report, 'rate', { stars: Number(chosen.value), comment }, form, T.rateThanks);
}

function reopen(event, report) {
  event.preventDefault();
  const form = event.currentTarget;
  const reason = form.querySelector('#reopen-reason');
  if (!reason.value.trim()) {
    say(T.reopenNeedsReason);
    reason.focus();
    return;
  }
  act(report, 'reopen', { reason: reason.value.trim() }, form, T.reopened);
}

function withdraw(event, report) {
  event.preventDefault();
  const form = event.currentTarget;
  const sure = form.querySelector('#withdraw-sure');
  if (!sure.checked) {
    say(T.withdrawNeedsConfirm);
    sure.focus();
    return;
  }
  act(report, 'withdraw', {}, form, T.withdrawn);
}

export function reportPage(id) {
  const report = find(id);
  if (!report) {
    show(
      `<h1>${T.reportMissing}</h1><p><a href="#/phan-anh">${T.back}</a></p>`,
      T.reportMissing,
    );
    return;
  }
  draw(report);
  if (navigator.onLine) refresh(id);
}
