// The doctors' journey in chromium, through the real gateway and services (issue #8):
// sign up → confirm with the code from the .eml → verify by RPPS → TOTP enrollment → sign in
// with the second factor → edit the profile → write a case with a phone number and a patient's
// name, see both highlighted → fix → publish → a second doctor, verified by a moderator, replies
// → the first is notified and accepts the reply → the second finds the first by competence with
// a typo in the query (facets, commune autocomplete), connects and endorses. Then the author's
// actions (edit the case through the guarded editor, edit one's reply, delete the case), private
// groups (create, invite, join, members, leave), the account (change the password: the other
// session is closed; delete the account: its replies show "un compte supprimé"), and the English
// catalogue (switch, kept over a reload). Every page: screenshots (phone, desktop), axe-core.
import { BASE, confirmationCode, env, expect, launch, newPage, report, snap, sql, totp } from './support.mjs';

const started = Date.now();
const run = Math.random().toString(36).slice(2, 8);
const PASSWORD = 'tisane de thym au lever 42';
const NEW_PASSWORD = 'verveine du soir sans sucre 7';
const step = (s) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${s}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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
  await page.getByText('Adresse confirmée').waitFor();
}

async function signIn(page, who, { secondFactor, password = PASSWORD } = {}) {
  const email = page.getByLabel('Adresse e-mail');
  if ((await email.inputValue()) !== who.email) await email.fill(who.email);
  await page.getByLabel('Mot de passe').fill(password);
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

/** Waits until `locator` matches exactly `n` elements (a list read again after a change). */
async function waitCount(locator, n, what) {
  for (let i = 0; (await locator.count()) !== n; i++) {
    expect(i < 100, `${what}: ${await locator.count()} instead of ${n}`);
    await sleep(100);
  }
}

const nav = (page, name) => page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name, exact: true });

const browser = await launch();
const pages = [];
try {
  const a = { given: 'Claire', family: 'Martin', email: `claire.martin.${run}@chu.test`, rpps: env('MELTINGDOC_RPPS_A') };
  const b = { given: 'Paul', family: 'Bernard', email: `paul.bernard.${run}@chu.test`, rpps: env('MELTINGDOC_RPPS_B') };
  const pa = await newPage(browser);
  const pb = await newPage(browser);
  pages.push(['a', pa], ['b', pb]);

  // --- Doctor A: account, verification by RPPS, second factor ---
  step('A signs up and confirms the code from the .eml');
  await signUp(pa, a, { shots: true });
  await signIn(pa, a);
  await pa.waitForURL('**/verification');
  await pa.getByLabel('Numéro RPPS').waitFor();
  await snap(pa, 'verification');
  step('A verifies by RPPS (the register matches)');
  await pa.getByLabel('Numéro RPPS').fill(a.rpps);
  await pa.getByRole('button', { name: 'Vérifier mon numéro' }).click();
  await pa.getByText('Votre compte est vérifié').waitFor();
  await snap(pa, 'verification-verified');
  await pa.getByRole('button', { name: 'Accéder au réseau' }).click();
  await pa.waitForURL('**/espaces');

  step('A enrolls TOTP');
  await nav(pa, 'Mon compte').click();
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

  // --- Doctor A edits the profile (created by profiles from identity's AccountVerified) ---
  step('A edits the profile: competences from the taxonomy (a synonym, the keyboard), a practice place');
  for (let i = 0; ; i++) {
    await nav(pa, 'Mon profil').click();
    const ready = await Promise.race([
      pa.getByLabel('Chercher une compétence').waitFor().then(() => true),
      pa.getByText('sera créé').waitFor().then(() => false),
    ]);
    if (ready) break;
    expect(i < 40, 'the profile was created from AccountVerified within 20 s');
    await nav(pa, 'Espaces').click();
    await sleep(500);
  }
  expect((await pa.locator('form dl').textContent()).includes(a.rpps), 'the RPPS number is shown read-only');
  await pa.getByLabel('Titre (une ligne sous votre nom)').fill('Gynécologue, fertilité et endométriose');
  const competence = pa.getByLabel('Chercher une compétence');
  await competence.fill('PMA');
  await pa.getByRole('option', { name: /Fertilité et AMP/ }).waitFor();
  await competence.press('ArrowDown');
  await competence.press('Enter');
  await competence.fill('endometr');
  await pa.getByRole('option', { name: /Endométriose/ }).click();
  expect((await pa.locator('.chips li').count()) === 2, 'two competences chosen');
  // Practice places (after those profiles made from the register's sites): the commune of a
  // new place comes from SearchCommunes (the full commune table: Bron is nobody's commune yet, so
  // search's Suggest knows it not), and picking fills the postcode.
  const places = await pa.locator('input[id^="place-"][id$="-name"]').count();
  const p1 = `#place-${places}`;
  const p2 = `#place-${places + 1}`;
  await pa.getByRole('button', { name: 'Ajouter un lieu' }).click();
  await pa.locator(`${p1}-name`).fill('Hôpital Femme Mère Enfant');
  await pa.locator(`${p1}-commune`).fill('bro');
  await pa.getByRole('option', { name: /^Bron — dép\. 69 · 69500$/ }).waitFor();
  await snap(pa, 'profile-commune');
  await pa.getByRole('option', { name: /^Bron — / }).click();
  expect((await pa.locator(`${p1}-commune`).inputValue()) === 'Bron', `the commune picked: ${await pa.locator(`${p1}-commune`).inputValue()}`);
  expect((await pa.locator(`${p1}-postcode`).inputValue()) === '69500', 'its only postcode filled in');
  // A La Poste name gives its postcode; a commune with several postcodes lists them.
  await pa.getByRole('button', { name: 'Ajouter un lieu' }).click();
  await pa.locator(`${p2}-name`).fill('Cabinet de la Part-Dieu');
  await pa.locator(`${p2}-commune`).fill('Lyon 3');
  await pa.getByRole('option', { name: /^Lyon — Lyon 3e Arrondissement · dép\. 69 · 69003$/ }).click();
  expect((await pa.locator(`${p2}-postcode`).inputValue()) === '69003', 'Lyon 3e: postcode 69003');
  await pa.locator(`${p2}-commune`).fill('st-ét');
  await pa.getByRole('option', { name: /^Saint-Étienne — dép\. 42/ }).click();
  expect((await pa.locator(`${p2}-postcode`).inputValue()) === '', 'Saint-Étienne has three postcodes: none chosen');
  await pa.getByText('Saint-Étienne a plusieurs codes postaux : 42000, 42100, 42230.').waitFor();
  await pa.locator(`${p2}-postcode`).fill('42000');
  await pa.getByLabel('anglais').check();
  await pa.getByLabel('J’accepte de nouveaux patients adressés').check();
  await pa.getByRole('button', { name: 'Enregistrer le profil' }).click();
  await pa.getByText('Profil enregistré.').waitFor();
  await snap(pa, 'profile-editor');

  // --- Doctor A writes a case ---
  step('A opens the general space and the editor');
  await nav(pa, 'Espaces').click();
  await pa.locator('.space-list a').first().click();
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
  await pa.getByLabel('Votre question aux confrères').fill('Quel bilan proposeriez-vous en première intention ?');
  await snap(pa, 'editor-patient-data');
  await pa.getByRole('button', { name: 'Publier le cas' }).click();
  await pa.getByText('Retirez les données identifiantes signalées avant de publier.').waitFor();
  expect(pa.url().includes('/cas/nouveau'), 'not published while flagged');

  step('A fixes the text and publishes');
  await context.fill('La patiente, 45 ans, consulte pour une douleur thoracique atypique.');
  await contextField.locator('.phi-mark').waitFor({ state: 'detached' });
  await pa.getByRole('button', { name: 'Publier le cas' }).click();
  await pa.waitForURL(/\/cas\/[0-9a-f-]{36}$/);
  const caseUrl = new URL(pa.url()).pathname;
  await pa.getByRole('heading', { level: 1, name: 'Douleur thoracique atypique à 45 ans' }).waitFor();
  await pa.getByText('Pas encore de réponse').waitFor();
  await snap(pa, 'case-new');
  step('A reloads the page: the browser session (HttpOnly cookies) survives');
  await pa.reload();
  await pa.getByRole('heading', { level: 1, name: 'Douleur thoracique atypique à 45 ans' }).waitFor();

  step('A edits the case: the same guarded editor, prefilled; patient data refused again; saved');
  await pa.getByRole('link', { name: 'Modifier le cas' }).click();
  await pa.waitForURL('**' + caseUrl + '/modifier');
  await pa.getByRole('heading', { level: 1, name: 'Modifier le cas' }).waitFor();
  await pa.getByLabel('Votre question aux confrères').waitFor();
  expect((await pa.getByLabel('Titre').inputValue()) === 'Douleur thoracique atypique à 45 ans', 'the editor is prefilled with the case');
  expect(await pa.getByLabel('Espace').isDisabled(), 'a published case keeps its space');
  const investigations = pa.getByLabel('Examens complémentaires');
  await investigations.fill('ECG normal. Rappeler la patiente au 06 12 34 56 78.');
  const invField = pa.locator('.guarded-field', { has: pa.locator('#case-investigations') });
  await invField.locator('.phi-mark', { hasText: '06 12 34 56 78' }).waitFor();
  await snap(pa, 'case-edit');
  await pa.getByRole('button', { name: 'Enregistrer les modifications' }).click();
  await pa.getByText('Retirez les données identifiantes signalées avant de publier.').waitFor();
  await investigations.fill('ECG normal, troponine hs négative à H0.');
  await invField.locator('.phi-mark').waitFor({ state: 'detached' });
  await pa.getByLabel('Titre').fill('Douleur thoracique atypique à 45 ans, ECG normal');
  await pa.getByRole('button', { name: 'Enregistrer les modifications' }).click();
  await pa.waitForURL('**' + caseUrl + '?modifie=1');
  await pa.getByText('Cas modifié.').waitFor();
  await pa.getByRole('heading', { level: 1, name: 'Douleur thoracique atypique à 45 ans, ECG normal' }).waitFor();
  await pa.getByText('ECG normal, troponine hs négative à H0.').waitFor();
  expect(/modifié le/.test(await pa.locator('#case-edited').textContent()), 'the case says it was edited');

  // --- Doctor B: the register knows him under another name: a moderator decides ---
  step('B signs up; his RPPS request goes to the moderators');
  await signUp(pb, b, { shots: false });
  await signIn(pb, b);
  await pb.waitForURL('**/verification');
  await pb.getByLabel('Numéro RPPS').fill(b.rpps);
  await pb.getByRole('button', { name: 'Vérifier mon numéro' }).click();
  await pb.getByText('Un modérateur va examiner votre demande').waitFor();
  await snap(pb, 'verification-review');

  step('A, made moderator, approves B in the verification queue');
  sql(`UPDATE identity.accounts SET role = 'moderator' WHERE email = '${a.email}'`);
  await signOut(pa);
  await signIn(pa, a, { secondFactor: async (p) => p.getByLabel('Code').fill(recovery[1]) });
  await pa.waitForURL('**/espaces');
  await nav(pa, 'Modération').click();
  await pa.getByText(b.email).waitFor();
  await snap(pa, 'moderation-verifications');
  await pa.getByLabel('Motif de la décision').first().fill('Nom d’usage : vérifié auprès du conseil de l’Ordre.');
  await pa.getByRole('button', { name: 'Approuver' }).click();
  await pa.getByText('Aucune demande en attente.').waitFor();

  // --- Doctor B replies ---
  step('B signs in again (verified), finds the case, follows it, replies and reports it');
  await signOut(pb);
  await signIn(pb, b);
  await pb.waitForURL('**/espaces');
  await pb.locator('.space-list a').first().click();
  await pb.getByRole('link', { name: 'Douleur thoracique atypique à 45 ans' }).click();
  await pb.waitForURL('**' + caseUrl);
  await pb.getByRole('link', { name: 'Dr Claire Martin' }).first().waitFor();
  await pb.getByRole('button', { name: 'Suivre ce cas' }).click();
  await pb.getByText('Vous suivez ce cas').waitFor();
  await pb.getByLabel('Votre réponse').fill('Je proposerais un ECG, une troponine hs à H0 et H3, puis un coroscanner selon le risque.');
  await pb.getByRole('button', { name: 'Répondre' }).click();
  await pb.locator('.reply').first().waitFor();
  step('B edits his reply (guarded like a new one)');
  await pb.locator('.reply').first().getByRole('button', { name: 'Modifier', exact: true }).click();
  const replyEdit = pb.getByLabel('Votre réponse modifiée');
  expect((await replyEdit.inputValue()).startsWith('Je proposerais un ECG'), 'the reply editor is prefilled');
  await replyEdit.fill('Je proposerais un ECG, une troponine hs à H0 et H3, une échographie cardiaque, puis un coroscanner selon le risque.');
  await snap(pb, 'reply-edit');
  await pb.getByRole('button', { name: 'Enregistrer la réponse' }).click();
  await pb.locator('.reply', { hasText: 'une échographie cardiaque' }).getByText('(modifiée)').waitFor();
  expect((await pb.getByRole('link', { name: 'Modifier le cas' }).count()) === 0, 'only the author is offered to edit the case');
  await pb.goto(BASE + caseUrl + '/modifier');
  await pb.getByText('Vous n’avez pas accès à cette page.').waitFor();
  await pb.goBack();
  await pb.getByRole('heading', { level: 1, name: 'Douleur thoracique atypique à 45 ans, ECG normal' }).waitFor();
  await pb.getByRole('button', { name: 'Signaler' }).first().click();
  await pb.getByLabel('Motif du signalement').selectOption('REPORT_REASON_OTHER');
  await pb.getByRole('button', { name: 'Envoyer le signalement' }).click();
  await pb.getByText('les modérateurs vont examiner').waitFor();
  await snap(pb, 'case-replied');

  // --- Doctor A is notified and accepts ---
  step('A sees the notification and accepts the reply');
  await nav(pa, 'Espaces').click();
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

  // --- Search: B finds A by competence, with a typo ---
  step('B searches doctors: Suggest, then a typo in the competence');
  await nav(pb, 'Rechercher').click();
  const query = pb.getByLabel('Compétence, spécialité, nom…');
  await query.fill('endom');
  await pb.getByRole('option', { name: /Endométriose/ }).first().waitFor();
  await snap(pb, 'search-suggest');
  await query.fill('endometriosse');
  for (let i = 0; ; i++) {
    await query.press('Escape');
    await pb.getByRole('button', { name: 'Rechercher' }).click();
    await pb.locator('#search-count').waitFor();
    if ((await pb.locator('#doctor-results a', { hasText: 'Claire Martin' }).count()) > 0) break;
    expect(i < 40, 'search indexed A\'s profile within 20 s');
    await sleep(500);
  }
  step('B narrows by the competence facet (counts shown), then near a commune picked from the suggestions');
  const facet = pb.getByRole('group', { name: 'Compétence' }).getByLabel(/^Endométriose \(\d+\)$/);
  const filtered = pb.waitForResponse((r) => r.url().includes('/v1/search/doctors?') && r.url().includes('competences='));
  await facet.check();
  expect((await filtered).ok(), 'the search with the competence facet answered');
  await pb.locator('#search-count', { hasText: /^\d+ médecins?$/ }).waitFor();
  expect((await pb.locator('#doctor-results a', { hasText: 'Claire Martin' }).count()) === 1, 'the competence facet keeps A');
  expect(await facet.isChecked(), 'the facet stays checked after the search');
  await pb.getByRole('group', { name: 'Communes' }).getByRole('button', { name: /^Bron \(\d+\)$/ }).waitFor();
  await snap(pb, 'search-doctors');
  const near = pb.getByLabel('Près de (commune ou code postal)');
  await near.fill('Bro');
  await pb.getByRole('option', { name: /^Bron/ }).waitFor();
  await near.press('ArrowDown');
  await near.press('Enter');
  expect((await near.inputValue()) === 'Bron', `the commune picked from SearchCommunes: ${await near.inputValue()}`);
  step('B searches near Vénissieux, where no doctor practises (any commune of the table, by its coordinates)');
  await near.fill('venis');
  await pb.getByRole('option', { name: /^Vénissieux — dép\. 69/ }).click();
  await pb.getByLabel('Dans un rayon de (km)').fill('10');
  const around = pb.waitForResponse((r) => r.url().includes('/v1/search/doctors?') && r.url().includes('near.point.latitude='));
  await pb.getByRole('button', { name: 'Rechercher' }).click();
  expect((await around).ok(), 'the search around Vénissieux\'s coordinates answered');
  await pb.locator('#doctor-results li', { hasText: 'Claire Martin' }).locator('.meta', { hasText: /à \d+([,.]\d)? km/ }).first().waitFor();
  await snap(pb, 'search-near-commune');
  step('B chooses the commune facet: a search around Bron within 10 km, distances shown');
  await pb.getByRole('group', { name: 'Communes' }).getByRole('button', { name: /^Bron \(\d+\)$/ }).click();
  await pb.getByRole('button', { name: /^Bron \(\d+\)$/, pressed: true }).waitFor();
  expect((await pb.getByLabel('Dans un rayon de (km)').inputValue()) === '10', 'the radius defaults to 10 km');
  await pb.locator('#doctor-results .meta', { hasText: /à \d+([,.]\d)? km/ }).first().waitFor();
  await near.fill('');

  step('B opens A\'s profile and asks to connect; A accepts; B endorses a competence');
  await pb.locator('#doctor-results a', { hasText: 'Claire Martin' }).first().click();
  await pb.getByRole('heading', { level: 1, name: 'Dr Claire Martin' }).waitFor();
  await pb.getByRole('button', { name: 'Se mettre en relation' }).click();
  await pb.getByText('Demande de mise en relation envoyée.').waitFor();
  await nav(pa, 'Réseau').click();
  await pa.getByRole('link', { name: /Paul Bernard/ }).first().waitFor();
  await snap(pa, 'network');
  await pa.getByRole('button', { name: 'Accepter' }).click();
  await pa.getByText('Aucune demande en attente.').waitFor();
  await nav(pb, 'Réseau').click();
  await pb.getByRole('link', { name: /Claire Martin/ }).first().click();
  await pb.getByRole('button', { name: 'Recommander la compétence Endométriose' }).click();
  await pb.getByRole('button', { name: 'Recommandé la compétence Endométriose', pressed: true }).waitFor();
  await pb.getByText('1 recommandation').waitFor();
  await snap(pb, 'colleague-profile');

  // --- Private groups ---
  step('A creates a private group and invites B, a connection');
  await nav(pa, 'Groupes').click();
  await pa.getByText('Vous ne faites partie d’aucun groupe.').waitFor();
  await snap(pa, 'groups');
  await pa.getByLabel('Nom du groupe').fill('Staff douleur thoracique Lyon');
  await pa.getByRole('button', { name: 'Créer le groupe' }).click();
  await pa.getByRole('heading', { level: 1, name: 'Staff douleur thoracique Lyon' }).waitFor();
  const groupUrl = new URL(pa.url()).pathname;
  await pa.getByRole('heading', { name: '1 membre' }).waitFor();
  await pa.getByLabel('Confrère à inviter').selectOption({ index: 1 });
  await pa.getByRole('button', { name: 'Envoyer l’invitation' }).click();
  await pa.getByText(/^Invitation envoyée à .*Bernard/).waitFor();
  // The owner sees the pending invitation (ListGroupInvitations), cancels it, and invites again.
  await pa.getByRole('heading', { name: '1 invitation en attente' }).waitFor();
  await pa.locator('#group-invitations li', { hasText: 'Paul Bernard' }).getByText(/invité le /).waitFor();
  await snap(pa, 'group-owner');
  await pa.getByRole('button', { name: /^Annuler l’invitation de .*Paul Bernard$/ }).click();
  await pa.getByText(/^L’invitation de .*Paul Bernard est annulée\.$/).waitFor();
  await pa.getByRole('heading', { name: 'Aucune invitation en attente' }).waitFor();
  expect((await pa.locator('#group-invitations li').count()) === 0, 'the cancelled invitation left the list');
  await pa.getByLabel('Confrère à inviter').selectOption({ index: 1 });
  await pa.getByRole('button', { name: 'Envoyer l’invitation' }).click();
  await pa.getByRole('heading', { name: '1 invitation en attente' }).waitFor();
  await pa.getByText('Toutes vos relations sont membres du groupe ou invitées.').waitFor();
  expect((await pa.getByLabel('Confrère à inviter').count()) === 0, 'an invited colleague is not offered again');

  step('B sees the invitation from the spaces page, joins, sees the members, then leaves');
  await nav(pb, 'Espaces').click();
  await pb.getByRole('link', { name: 'Vous avez 1 invitation à un groupe privé.' }).click();
  await pb.waitForURL('**/groupes');
  await pb.getByText(/Claire Martin vous invite à rejoindre « Staff douleur thoracique Lyon »/).waitFor();
  await snap(pb, 'groups-invitation');
  await pb.getByRole('button', { name: 'Rejoindre' }).click();
  await pb.getByText('Vous avez rejoint le groupe « Staff douleur thoracique Lyon ».').waitFor();
  await pb.getByText('Aucune invitation en attente.').waitFor();
  await pb.locator('#my-groups').getByRole('link', { name: 'Staff douleur thoracique Lyon' }).click();
  await pb.waitForURL('**' + groupUrl);
  await pb.getByRole('heading', { name: '2 membres' }).waitFor();
  await pb.locator('#group-members a', { hasText: 'Claire Martin' }).waitFor();
  const members = await pb.locator('#group-members li').allTextContents();
  expect(members.length === 2 && /Claire Martin.*propriétaire/.test(members[0]) && /vous.*membre/.test(members[1]),
    `members by join time, with roles: ${JSON.stringify(members)}`);
  expect((await pb.getByRole('heading', { name: 'Inviter un confrère' }).count()) === 0, 'only the owner invites');
  expect((await pb.locator('#pending-title').count()) === 0, 'only the owner sees the pending invitations');
  await pb.getByRole('button', { name: 'Quitter le groupe…' }).click();
  await snap(pb, 'group-member');
  await pb.getByRole('button', { name: 'Quitter le groupe', exact: true }).click();
  await pb.waitForURL('**/groupes');
  await pb.getByText('Vous avez quitté le groupe « Staff douleur thoracique Lyon ».').waitFor();
  await pb.getByText('Vous ne faites partie d’aucun groupe.').waitFor();
  await pa.reload();
  await pa.getByRole('heading', { name: '1 membre' }).waitFor();
  await pa.getByRole('heading', { name: 'Aucune invitation en attente' }).waitFor();

  step('B searches cases');
  await nav(pb, 'Rechercher').click();
  await pb.getByRole('link', { name: 'Cas', exact: true }).click();
  for (let i = 0; ; i++) {
    await pb.getByLabel('Mots du cas').fill('douleur thoracique');
    await pb.getByRole('button', { name: 'Rechercher' }).click();
    if (await pb.locator('.snippet mark').first().waitFor({ timeout: 1000 }).then(() => true, () => false)) break;
    expect(i < 20, 'search indexed the case');
  }
  await snap(pb, 'search-cases');

  // --- Moderation: the reported case ---
  step('A opens the reports queue');
  await nav(pa, 'Modération').click();
  await pa.getByText('Cas signalé').waitFor();
  await snap(pa, 'moderation-reports');

  // --- B's account: password change closes his other session; then he deletes the account ---
  step('B changes his password: his other browser session is closed');
  const pb2 = await newPage(browser);
  pages.push(['b2', pb2]);
  await pb2.goto(BASE + '/connexion');
  await signIn(pb2, b);
  await pb2.waitForURL('**/espaces');
  await nav(pb, 'Mon compte').click();
  await pb.locator('.sessions li').nth(1).waitFor();
  await pb.getByLabel('Mot de passe actuel').fill('pas le bon mot de passe');
  await pb.getByLabel('Nouveau mot de passe').fill(NEW_PASSWORD);
  await pb.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await pb.getByText('Le mot de passe actuel est incorrect.').waitFor();
  await pb.getByLabel('Mot de passe actuel').fill(PASSWORD);
  await pb.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await pb.getByText('Mot de passe changé. 1 autre session a été fermée.').waitFor();
  await waitCount(pb.locator('.sessions li'), 1, 'only this session is left in the list');
  await snap(pb, 'account-password');
  await pb2.reload();
  await pb2.waitForURL(/\/connexion\?suite=/);
  await pb2.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
  await pb2.context().close();

  step('B deletes his account: what goes and what stays is explained; password asked again, no second factor');
  // B has no second factor: the page offers to turn it on, and the deletion asks no code.
  await pb.getByRole('button', { name: 'Activer la vérification en deux étapes' }).waitFor();
  await pb.getByRole('button', { name: 'Supprimer mon compte…' }).click();
  await pb.getByText('Ce qui est effacé').waitFor();
  expect((await pb.locator('#delete-code').count()) === 0, 'no second-factor code asked of an account without one');
  await pb.getByText(/signés « un compte supprimé »/).waitFor();
  await snap(pb, 'account-delete');
  await pb.getByLabel('Votre mot de passe, pour confirmer').fill(NEW_PASSWORD);
  await pb.getByRole('button', { name: 'Supprimer définitivement mon compte' }).click();
  await pb.waitForURL('**/connexion?supprime=1');
  await pb.getByText('Votre compte a été supprimé').waitFor();
  await signIn(pb, b, { password: NEW_PASSWORD });
  await pb.getByText('Adresse ou mot de passe incorrect.').waitFor();

  step('A sees B\'s reply kept, signed "un compte supprimé", then deletes the case');
  for (let i = 0; ; i++) {
    await pa.goto(BASE + caseUrl);
    await pa.locator('.reply').first().waitFor();
    if ((await pa.locator('.reply .meta', { hasText: 'un compte supprimé' }).count()) > 0) break;
    expect(i < 40, 'discussions applied AccountDeleted within 20 s');
    await sleep(500);
  }
  await pa.getByRole('button', { name: 'Supprimer le cas' }).click();
  await pa.getByRole('heading', { name: 'Supprimer ce cas ?' }).waitFor();
  await snap(pa, 'case-delete');
  await pa.getByRole('button', { name: 'Supprimer définitivement' }).click();
  await pa.getByRole('heading', { level: 1, name: 'Cas supprimé' }).waitFor();
  await pa.getByText('son texte a été effacé').waitFor();
  expect((await pa.getByText('Douleur thoracique').count()) === 0, 'the deleted case shows no text');
  await pa.locator('.reply', { hasText: 'une échographie cardiaque' }).getByText('un compte supprimé').waitFor();
  expect((await pa.getByRole('button', { name: 'Répondre' }).count()) === 0, 'a deleted case takes no reply');
  await snap(pa, 'case-deleted');
  await pa.getByRole('link', { name: 'Retour à l’espace' }).click();
  await pa.getByText('Aucun cas dans cet espace').waitFor();

  step('A switches to English: the page, its lang attribute and the choice over a reload');
  await nav(pa, 'Mon compte').click();
  await pa.getByRole('heading', { name: 'Sessions ouvertes' }).waitFor();
  await pa.getByRole('button', { name: 'English' }).click();
  await pa.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
  await pa.getByRole('heading', { name: 'Delete my account' }).waitFor();
  expect((await pa.locator('html').getAttribute('lang')) === 'en', 'html lang="en"');
  expect((await pa.title()).startsWith('My account'), 'the document title follows');
  await snap(pa, 'account-english');
  await pa.reload();
  await pa.getByRole('button', { name: 'Sign out everywhere' }).waitFor();
  expect((await pa.locator('html').getAttribute('lang')) === 'en', 'the language is kept over a reload');
  await pa.getByRole('button', { name: 'Français' }).click();
  await pa.getByRole('heading', { level: 1, name: 'Mon compte' }).waitFor();
  expect((await pa.locator('html').getAttribute('lang')) === 'fr', 'html lang="fr" again');

  step('A\'s account page: two-step verification shown active (no "Activer"), the deletion form asks its code; sessions, then sign out everywhere');
  await nav(pa, 'Mon compte').click();
  await pa.getByRole('heading', { name: 'Sessions ouvertes' }).waitFor();
  const totpStatus = pa.locator('#totp-status');
  await totpStatus.waitFor();
  const totpText = await totpStatus.textContent();
  expect(/^Active depuis le .+\. 8 codes de secours restants\.$/.test(totpText), `two-step status with 8 codes left (two used to sign in): ${totpText}`);
  expect((await pa.getByRole('button', { name: 'Activer la vérification en deux étapes' }).count()) === 0, 'no "Activer" when already on');
  await pa.getByRole('button', { name: 'Supprimer mon compte…' }).click();
  const deleteCode = pa.getByLabel('Code de l’application d’authentification ou code de secours');
  await deleteCode.waitFor();
  expect((await deleteCode.getAttribute('required')) !== null, 'the code is required when two-step verification is on');
  await pa.getByText('La vérification en deux étapes est active sur ce compte').waitFor();
  await pa.locator('.danger-zone').getByRole('button', { name: 'Annuler' }).click();
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
