// The OMS console: vanilla JS modules over the admin API (api.js), its words in i18n.js, one module per view
// (channels.js, orders.js). This one logs in and out, switches the language and redraws every 3 seconds.
import { closeSession, openSession, session } from './api.js';
import { renderChannels, fillPlatformSelect, wireChannelForms } from './channels.js';
import { applyLang, t, toggleLang } from './i18n.js';
import { renderOrders, wireOrders } from './orders.js';
import { $, flash, setRedraw, showLogin } from './ui.js';

async function login(key) {
  const who = await openSession(key);
  $('#whoami').textContent = `${who.name} (${who.role})`;
  document.body.classList.toggle('viewer', session.role !== 'admin');
  $('#login-view').hidden = true;
  $('#app-view').hidden = false;
  $('#nav').hidden = false;
  const connected = new URLSearchParams(location.search).get('connected');
  if (connected) flash(t('connected'));
  await refresh();
}

$('#login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('#login-error').textContent = '';
  try {
    await login($('#login-key').value.trim());
  } catch (err) {
    $('#login-error').textContent = err.message;
  }
});

$('#logout').addEventListener('click', async () => {
  await closeSession();
  showLogin();
});

$('#lang').addEventListener('click', () => {
  toggleLang();
  refresh();
});

let refreshing = false;
async function refresh() {
  if (refreshing || $('#app-view').hidden) return;
  refreshing = true;
  try {
    await Promise.all([renderChannels(), renderOrders(), session.role === 'admin' ? fillPlatformSelect() : null]);
  } catch (err) {
    flash(err.message, true);
  } finally {
    refreshing = false;
  }
}

setRedraw(refresh);
wireChannelForms();
wireOrders(refresh);
applyLang();
setInterval(refresh, 3000);
const saved = sessionStorage.getItem('omsKey');
if (saved) login(saved).catch(showLogin);
else showLogin();
