// The doctors' journey in chromium, through the real gateway and services (issue #8):
// sign up → confirm with the code from the .eml → verification → TOTP enrollment → sign in with
// the second factor → write a case with a phone number and a patient's name, see both
// highlighted → fix → publish → a second doctor replies → the first is notified and accepts
// the reply → moderators' queue. Every page: screenshots (phone, desktop) and axe-core.
import { BASE, confirmationCode, expect, launch, newPage, report, snap, sql, totp } from './support.mjs';

const started = Date.now();
const run = Math.random().toString(36).slice(2, 8);
const PASSWORD = 'tisane de thym au lever 42';
const step = (s) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${s}`);

async function signUp(page, who, { shots }) {
  await page.goto(BASE + '/');
  await page.waitForURL('**/connexion');
  if (shots) await snap(page, 'login');
  await page.getByRole('link', { name: 'Créer un compte' }).first().click();
  await page.waitForURL('**/inscription');
  await page.getByLabel('Prénom').fill(who.given);
  await page.getByLabel('Nom', { exact: true }).fill(who.family);
  await page.getByLabel('Adresse e-mail professionnelle').fill(who.email);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  if (shots) await snap(page, 'signup');
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await page.waitForURL('**/confirmation?**');
  if (shots) await snap(page, 'confirm');
  await page.getByLabel('Code de confirmation').fill(await confirmationCode(who.email));
  await page.getByRole('button', { name: 'Confirmer' }).click();
  await page.waitForURL('**/connexion?**');
  await page.getByRole('alert').or(page.getByRole('status')).first().waitFor();
}

async function signIn(page, who, { secondFactor } = {}) {
  const email = page.getByLabel('Adresse e-mail');
  if ((await email.inputValue()) !== who.email) await email.fill(who.email);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  if (secondFactor) {
    await page.getByRole('heading', { name: 'Vérification en deux étapes' }).waitFor();
    await secondFactor(page);
    await page.getByRole('button', { name: 'Valider' }).click();
  }
}

async function signOut(page) {
  await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
  await page.waitForURL('**/connexion');
}

/** Verification as a test set-up step (the account is marked verified in the database); the
 *  doctor then signs in again to get a token with the new status. */
function markVerified(who, role = 'doctor') {
  sql(`UPDATE identity.accounts SET status = 'verified', role = '${role}' WHERE email = '${who.email}'`);
}

const browser = await launch();
const pages = [];
try {
  const a = { given: 'Claire', family: 'Martin', email: `claire.martin.${run}@chu.test` };
  const b = { given: 'Paul', family: 'Bernard', email: `paul.bernard.${run}@chu.test` };
  const pa = await newPage(browser);
  const pb = await newPage(browser);
  pages.push(['a', pa], ['b', pb]);

  // --- Doctor A: account ---
  step('A signs up');
  await signUp(pa, a, { shots: true });
  await signIn(pa, a);
  await pa.waitForURL('**/compte');
  expect((await pa.locator('#account-status').textContent()) === 'En attente de vérification', 'A is pending');
  await snap(pa, 'account-pending');
  markVerified(a);

  step('A enrolls TOTP');
  await pa.getByRole('button', { name: 'Activer la vérification en deux étapes' }).click();
  const qr = pa.getByRole('img', { name: /QR code/ });
  await qr.waitFor();
  expect((await qr.getAttribute('src')).startsWith('data:image/png;base64,'), 'QR code drawn as a PNG data URL');
  const secret = (await pa.locator('#totp-secret').textContent()).trim();
  await snap(pa, 'totp-enroll');
  await pa.getByLabel('Code affiché par l’application').fill(totp(secret));
  await pa.getByRole('button', { name: 'Confirmer' }).click();
  await pa.getByRole('heading', { name: 'Codes de secours' }).waitFor();
  const recovery = await pa.locator('.codes code').allTextContents();
  expect(recovery.length === 10, `10 recovery codes, got ${recovery.length}`);
  await snap(pa, 'totp-recovery');

  step('A signs in again with the second factor (a recovery code: the TOTP code was just used)');
  await signOut(pa);
  await signIn(pa, a, {
    secondFactor: async (p) => {
      await snap(p, 'login-second-factor');
      await p.getByLabel('Code').fill(recovery[0]);
    },
  });
  await pa.waitForURL('**/espaces');
  await snap(pa, 'spaces');

  // --- Doctor A writes a case ---
  step('A opens the general space and the editor');
  await pa.getByRole('link', { name: 'Général' }).or(pa.locator('.space-list a').first()).first().click();
  await pa.waitForURL('**/espaces/*');
  await pa.getByText('Aucun cas dans cet espace').waitFor();
  await snap(pa, 'case-list-empty');
  await pa.getByRole('link', { name: 'Soumettre un cas' }).first().click();
  await pa.waitForURL('**/cas/nouveau**');
  await snap(pa, 'editor');

  step('A types patient data: both spans highlighted in place');
  await pa.getByLabel('Titre').fill('Douleur thoracique atypique à 45 ans');
  const context = pa.getByLabel('Contexte et antécédents');
  // The emoji (two UTF-16 units, one code point) checks the conversion of the guard's offsets.
  await context.fill('🫀 Mme Dupont, joignable au 06 12 34 56 78, consulte pour une douleur thoracique atypique.');
  const contextField = pa.locator('.guarded-field', { has: pa.locator('#case-context') });
  await contextField.locator('.phi-mark').nth(1).waitFor();
  const marks = await contextField.locator('.phi-mark').allTextContents();
  expect(marks.length === 2, `two highlighted spans, got ${JSON.stringify(marks)}`);
  expect(marks.some((m) => /^(Mme )?Dupont$/.test(m)), `exactly the name is highlighted: ${JSON.stringify(marks)}`);
  expect(marks.includes('06 12 34 56 78'), `exactly the phone is highlighted: ${JSON.stringify(marks)}`);
  const findings = await contextField.locator('.finding').allTextContents();
  expect(findings.length === 2 && findings.every((f) => f.includes('—')), `each finding has a suggestion: ${findings}`);
  expect((await context.getAttribute('aria-invalid')) === 'true', 'the field is marked invalid');
  await pa.getByLabel('Votre question aux confrères', { exact: false }).fill('Quel bilan proposeriez-vous en première intention ?');
  await snap(pa, 'editor-patient-data');
  await pa.getByRole('button', { name: 'Publier le cas' }).click();
  await pa.getByText('Retirez les données identifiantes signalées avant de publier.').waitFor();
  expect(pa.url().includes('/cas/nouveau'), 'not published while flagged');

  step('A fixes the text and publishes');
  await context.fill('La patiente, 45 ans, consulte pour une douleur thoracique atypique.');
  await contextField.locator('.phi-mark').waitFor({ state: 'detached' });
  await pa.getByText('données identifiantes à retirer').waitFor({ state: 'detached' }).catch(() => undefined);
  await pa.getByRole('button', { name: 'Publier le cas' }).click();
  await pa.waitForURL(/\/cas\/[0-9a-f-]{36}$/);
  const caseUrl = new URL(pa.url()).pathname;
  await pa.getByRole('heading', { level: 1, name: 'Douleur thoracique atypique à 45 ans' }).waitFor();
  await pa.getByText('Pas encore de réponse').waitFor();
  await snap(pa, 'case-new');

  // --- Doctor B replies ---
  step('B signs up, is verified, finds the case and replies');
  await signUp(pb, b, { shots: false });
  markVerified(b);
  await signIn(pb, b);
  await pb.waitForURL('**/espaces');
  await pb.locator('.space-list a').first().click();
  await pb.getByRole('link', { name: 'Douleur thoracique atypique à 45 ans' }).click();
  await pb.waitForURL('**' + caseUrl);
  await pb.getByRole('button', { name: 'Suivre ce cas' }).click();
  await pb.getByText('Vous suivez ce cas').waitFor();
  await pb.getByLabel('Votre réponse').fill('Je proposerais un ECG, une troponine hs à H0 et H3, puis un coroscanner selon le risque.');
  await pb.getByRole('button', { name: 'Répondre' }).click();
  await pb.locator('.reply').first().waitFor();
  await pb.getByRole('button', { name: 'Signaler' }).first().click();
  await pb.getByLabel('Motif du signalement').selectOption('REPORT_REASON_OTHER');
  await pb.getByRole('button', { name: 'Envoyer le signalement' }).click();
  await pb.getByText('les modérateurs vont examiner').waitFor();
  await snap(pb, 'case-replied');

  // --- Doctor A is notified and accepts ---
  step('A sees the notification and accepts the reply');
  await pa.getByRole('link', { name: 'Espaces' }).click();
  await pa.locator('#unread-count').waitFor();
  expect((await pa.locator('#unread-count').textContent()) === '1', 'one unread notification');
  await pa.getByRole('link', { name: /^Notifications/ }).click();
  await pa.waitForURL('**/notifications');
  await pa.getByText('Nouvelle réponse à un cas que vous suivez').waitFor();
  await snap(pa, 'notifications');
  await pa.getByRole('link', { name: 'Voir le cas' }).first().click();
  await pa.waitForURL('**' + caseUrl);
  await pa.getByRole('button', { name: 'Accepter cette réponse' }).click();
  await pa.getByText('Réponse acceptée').waitFor();
  await pa.getByText('Ce cas est résolu').waitFor();
  await snap(pa, 'case-resolved');

  step('B is notified of the accepted answer');
  await pb.getByRole('link', { name: /^Notifications/ }).click();
  await pb.getByText('Une réponse a été acceptée').waitFor();

  // --- Moderation ---
  step('A becomes a moderator and opens the reports queue');
  markVerified(a, 'moderator');
  await signOut(pa);
  await signIn(pa, a, { secondFactor: async (p) => p.getByLabel('Code').fill(recovery[1]) });
  await pa.waitForURL('**/espaces');
  await pa.getByRole('link', { name: 'Modération' }).click();
  await pa.getByText('Cas signalé').waitFor();
  await snap(pa, 'moderation-reports');

  step('A\'s account page: sessions, then sign out everywhere');
  await pa.getByRole('link', { name: 'Mon compte' }).click();
  await pa.getByRole('heading', { name: 'Sessions ouvertes' }).waitFor();
  await pa.locator('.sessions li').first().waitFor();
  await snap(pa, 'account');
  await pa.getByRole('button', { name: 'Se déconnecter partout' }).click();
  await pa.waitForURL('**/connexion');

  step('not-found page');
  await pa.goto(BASE + '/nulle-part');
  await pa.getByRole('heading', { name: 'Page introuvable' }).waitFor();
  await snap(pa, 'not-found');

  console.log(`journey passed in ${((Date.now() - started) / 1000).toFixed(1)} s: ${report.pages.length} pages, ` +
    `${report.pages.length * 2} screenshots, axe-core: 0 serious/critical violations`);
} catch (e) {
  console.error(e.stack || String(e));
  for (const [who, p] of pages) {
    console.error(`doctor ${who} was at ${p.url()}`);
    await p.screenshot({ path: `${process.env.MELTINGDOC_ARTIFACTS}/failure-${who}.png`, fullPage: true }).catch(() => undefined);
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}
