// 私域运营控制台: one page over the documented operator API (/api/tenants/{tenant}/…, docs/openapi.json).
// Every text from the API is put into the page as text (textContent), never as HTML.
'use strict';

(function () {
  const WRITERS = ['Operator', 'Admin'];
  const STAGES = [['added', '添加'], ['engaged', '互动'], ['intent', '意向'], ['converted', '转化'], ['referred', '转介绍']];
  const DIMENSIONS = [['channel', '渠道码'], ['content', '内容'], ['manager', '客户经理'], ['branch', '网点']];
  const STATUS = { draft: '草稿', submitted: '待审批', approved: '已批准', rejected: '已驳回' };
  const ACTIONS = { drafted: '起草', submitted: '提交', approved: '批准', rejected: '驳回' };
  const STEPS = { welfare: '福利', quiz: '知识问答', sales: '理财产品' };
  const ROLE_NAMES = { Operator: '运营', Admin: '管理员', Auditor: '审计', Compliance: '合规' };
  const STORE = 'privatedomain.console';

  const state = { config: null, token: null, claims: null, tenant: null, msal: null, account: null, timers: [] };

  // ---- DOM helpers -------------------------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else if (k === 'text') node.textContent = v;
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }
  const $ = (sel) => document.querySelector(sel);
  const page = () => $('#page');
  function show(text, error) {
    const m = $('#message');
    m.textContent = text;
    m.className = error ? 'message error' : 'message';
    m.hidden = !text;
  }
  function card(title, ...children) { return el('section', { class: 'card' }, el('h2', { text: title }), ...children); }
  function table(head, rows, attrs) {
    return el('table', attrs || {},
      el('thead', {}, el('tr', {}, head.map(h => el('th', { class: h.num ? 'num' : null, text: h.label || h })))),
      el('tbody', {}, rows));
  }
  const fmtTime = (t) => t ? new Date(t).toLocaleString('zh-CN', { hour12: false }) : '';

  // ---- session -----------------------------------------------------------------------------------------------
  function decode(token) {
    const part = token.split('.')[1];
    if (!part) throw new Error('not a JWT');
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, c => c.charCodeAt(0))));
  }
  const roles = () => { const r = state.claims && state.claims.roles; return Array.isArray(r) ? r : r ? [r] : []; };
  const has = (...any) => roles().some(r => any.includes(r));
  const canWrite = () => has(...WRITERS);
  const person = () => state.claims && (state.claims.preferred_username || state.claims.upn || state.claims.oid) || '';

  async function token() {
    if (state.config.signIn !== 'entra') return state.token;
    try {
      const r = await state.msal.acquireTokenSilent({ scopes: state.config.scopes, account: state.account });
      return r.accessToken;
    } catch (e) {
      await state.msal.acquireTokenRedirect({ scopes: state.config.scopes, account: state.account });
      throw e;
    }
  }

  class ApiError extends Error {
    constructor(status, problem) {
      super(problemText(status, problem));
      this.status = status;
      this.problem = problem;
    }
  }
  function problemText(status, p) {
    if (!p) return `请求失败（HTTP ${status}）`;
    const fields = p.errors ? Object.entries(p.errors).map(([f, m]) => `${f}: ${[].concat(m).join('；')}`).join('\n') : '';
    return [`${status} ${p.title || ''}`.trim(), p.detail, fields].filter(Boolean).join('\n');
  }

  async function api(method, path, body) {
    const headers = { Authorization: 'Bearer ' + await token(), Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`/api/tenants/${encodeURIComponent(state.tenant)}${path}`,
      { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }

  // ---- sign-in -----------------------------------------------------------------------------------------------
  async function start() {
    window.addEventListener('hashchange', route);
    $('#sign-out').addEventListener('click', signOut);
    try {
      state.config = await (await fetch('config.json', { headers: { Accept: 'application/json' } })).json();
    } catch (e) {
      page().replaceChildren(card('无法加载', el('p', { text: '读取 config.json 失败：' + e.message })));
      return;
    }
    if (state.config.signIn === 'entra') await startEntra();
    else if (state.config.signIn === 'local-token') startLocal();
    else page().replaceChildren(card('未配置登录', el('p', { text: state.config.reason || '' })));
  }

  function startLocal() {
    const saved = sessionStorage.getItem(STORE);
    if (saved) {
      try {
        const s = JSON.parse(saved);
        if (accept(s.token, s.tenant)) return;
      } catch { sessionStorage.removeItem(STORE); }
    }
    signInForm();
  }

  function signInForm(error) {
    hideChrome();
    const tenants = state.config.tenants || [];
    const form = el('form', { id: 'sign-in', onsubmit: (e) => {
      e.preventDefault();
      const t = $('#token').value.trim();
      const tenant = $('#tenant').value;
      if (!accept(t, tenant)) signInForm('令牌无效或已过期：请用 ./pd token 重新获取。');
    } },
    el('label', {}, '租户', el('select', { id: 'tenant' }, tenants.map(t => el('option', { value: t, text: t })))),
    el('label', {}, '操作员令牌', el('textarea', { id: 'token', rows: 4, placeholder: 'eyJ…', spellcheck: 'false' })),
    el('p', { class: 'muted', text: '本机开发（./pd run）：在终端运行 ./pd token --role Operator（或 Admin、Auditor、Compliance，可加 --name 你的名字），把输出的令牌粘贴到这里。令牌只保存在本标签页。' }),
    el('button', { type: 'submit', id: 'sign-in-button' }, '登录'));
    page().replaceChildren(card('登录（本机开发令牌）', error ? el('p', { class: 'finding', text: error }) : null, form));
  }

  function accept(t, tenant) {
    let claims;
    try { claims = decode(t); } catch { return false; }
    if (!claims.exp || claims.exp * 1000 < Date.now() || !tenant) return false;
    state.token = t;
    state.claims = claims;
    state.tenant = tenant;
    sessionStorage.setItem(STORE, JSON.stringify({ token: t, tenant }));
    signedIn();
    return true;
  }

  async function startEntra() {
    if (!window.msal) { page().replaceChildren(card('无法登录', el('p', { text: 'MSAL 未加载。' }))); return; }
    state.msal = new window.msal.PublicClientApplication({
      auth: { clientId: state.config.clientId, authority: state.config.authority, redirectUri: location.origin + location.pathname },
      cache: { cacheLocation: 'sessionStorage' },
    });
    await state.msal.initialize();
    const result = await state.msal.handleRedirectPromise();
    state.account = (result && result.account) || state.msal.getAllAccounts()[0] || null;
    if (!state.account) {
      hideChrome();
      page().replaceChildren(card('登录', el('p', { text: '使用银行的 Microsoft Entra 账户登录。' }),
        el('button', { type: 'button', id: 'entra-sign-in', onclick: () => state.msal.loginRedirect({ scopes: state.config.scopes }) }, '使用 Entra 登录')));
      return;
    }
    state.msal.setActiveAccount(state.account);
    state.claims = decode(await token());
    state.tenant = (state.config.tenants || [])[0];
    signedIn();
  }

  function signOut() {
    sessionStorage.removeItem(STORE);
    state.token = state.claims = null;
    stopTimers();
    if (state.config.signIn === 'entra' && state.msal) { state.msal.logoutRedirect({ account: state.account }); return; }
    location.hash = '';
    signInForm();
  }

  function hideChrome() { $('#nav').hidden = true; $('#who').hidden = true; }

  function signedIn() {
    $('#nav').hidden = false;
    $('#who').hidden = false;
    $('#who-name').textContent = person();
    $('#who-roles').replaceChildren(...roles().map(r => el('span', { 'data-role': r, text: ROLE_NAMES[r] || r })));
    $('#who-tenant').textContent = '租户：' + state.tenant;
    $('#nav a[data-page="audit"]').hidden = !has('Auditor', 'Admin'); // the audit log is for auditors and admins
    if (!location.hash || location.hash === '#/' || location.hash === '#') location.hash = '#/overview';
    else route();
  }

  // ---- routing -----------------------------------------------------------------------------------------------
  const PAGES = { overview, journeys, payroll, content, audit };
  function stopTimers() { state.timers.forEach(clearInterval); state.timers = []; }
  function route() {
    if (!state.claims) return;
    stopTimers();
    show('');
    const [name, ...rest] = location.hash.replace(/^#\/?/, '').split('/');
    const render = PAGES[name] || overview;
    document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('active', a.dataset.page === (PAGES[name] ? name : 'overview')));
    document.body.dataset.page = PAGES[name] ? name : 'overview';
    Promise.resolve(render(rest.map(decodeURIComponent))).catch(fail);
  }
  function fail(e) { show(e.message || String(e), true); }
  async function act(button, work) {
    button.disabled = true;
    try { await work(); } catch (e) { fail(e); } finally { button.disabled = false; }
  }

  // ---- 概览 (funnel) -----------------------------------------------------------------------------------------
  function day(offset) {
    const d = new Date(Date.now() + 8 * 3600 * 1000 + offset * 86400 * 1000); // the bank's local day (Asia/Shanghai)
    return d.toISOString().slice(0, 10);
  }

  async function overview() {
    const params = new URLSearchParams(sessionStorage.getItem(STORE + '.funnel') || '');
    const form = el('form', { class: 'inline', id: 'funnel-form', onsubmit: (e) => { e.preventDefault(); load(); } },
      el('label', {}, '开始日期', el('input', { type: 'date', id: 'from', value: params.get('from') || day(-29) })),
      el('label', {}, '结束日期', el('input', { type: 'date', id: 'to', value: params.get('to') || day(0) })),
      el('label', {}, '维度', el('select', { id: 'by' }, DIMENSIONS.map(([v, t]) => el('option', { value: v, text: t, selected: v === (params.get('by') || 'channel') })))),
      el('button', { type: 'submit', id: 'funnel-query' }, '查询'),
      el('button', { type: 'button', class: 'secondary', id: 'export-csv', disabled: true }, '导出 CSV'));
    const chart = el('div', { class: 'chart', id: 'funnel-chart' });
    const totals = el('div', { class: 'grid', id: 'funnel-totals' });
    const holder = el('div', { id: 'funnel-table-holder' });
    page().replaceChildren(card('转化漏斗：添加 → 互动 → 意向 → 转化 → 转介绍', form, totals, chart, holder));

    async function load() {
      const q = new URLSearchParams({ from: $('#from').value, to: $('#to').value, by: $('#by').value });
      sessionStorage.setItem(STORE + '.funnel', q.toString());
      const data = await api('GET', '/funnel?' + q).catch(fail);
      if (!data) return;
      const label = DIMENSIONS.find(d => d[0] === data.by)[1];
      totals.replaceChildren(...STAGES.map(([k, t]) => el('div', { class: 'stat', 'data-stage': k }, t, el('b', { text: data.total[k] }))));
      holder.replaceChildren(table([label, ...STAGES.map(([, t]) => ({ label: t, num: true })), { label: '互动率', num: true }, { label: '转化率', num: true }],
        [...data.rows, data.total].map(r => el('tr', { 'data-key': r.key, class: r === data.total ? 'total' : null },
          el('td', { text: r.key }), STAGES.map(([k]) => el('td', { class: 'num', 'data-stage': k, text: r[k] })),
          el('td', { class: 'num', text: rate(r.engaged, r.added) }), el('td', { class: 'num', text: rate(r.converted, r.added) }))),
        { id: 'funnel-table' }));
      drawFunnel(chart, data);
      const button = $('#export-csv');
      button.disabled = false;
      button.onclick = () => exportCsv(data, label);
    }
    await load();
  }
  const rate = (a, b) => b ? (100 * a / b).toFixed(1) + '%' : '–';

  function drawFunnel(node, data) {
    if (!window.echarts) { node.textContent = '图表库未加载。'; return; }
    const top = data.rows.slice(0, 12);
    const chart = window.echarts.getInstanceByDom(node) || window.echarts.init(node, null, { renderer: 'canvas' });
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { data: STAGES.map(s => s[1]) },
      grid: { left: 48, right: 16, bottom: 60, top: 40 },
      xAxis: { type: 'category', data: top.map(r => r.key), axisLabel: { rotate: top.length > 6 ? 30 : 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: STAGES.map(([k, t]) => ({ name: t, type: 'bar', data: top.map(r => r[k]) })),
    }, true);
  }

  function csvCell(v) {
    const s = String(v ?? '');
    // A cell starting with = + - @ would be a formula in a spreadsheet: quote it with a leading apostrophe.
    const safe = /^[=+\-@\t\r]/.test(s) ? "'" + s : s;
    return /[",\n\r]/.test(safe) ? '"' + safe.replace(/"/g, '""') + '"' : safe;
  }
  function exportCsv(data, label) {
    const lines = [[label, ...STAGES.map(s => s[1])], ...[...data.rows, data.total].map(r => [r.key, ...STAGES.map(([k]) => r[k])])];
    const text = '\uFEFF' + lines.map(l => l.map(csvCell).join(',')).join('\r\n') + '\r\n';
    const a = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' })),
      download: `funnel-${state.tenant}-${data.by}-${data.from}-${data.to}.csv` });
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  // ---- 旅程 (journeys) ---------------------------------------------------------------------------------------
  async function journeys(args) {
    page().replaceChildren(card('旅程', el('p', { class: 'muted', text: '加载中…' })));
    const defs = await api('GET', '/journey-definitions');
    const list = table(['旅程', '版本', '名称', '步骤', { label: '进行中', num: true }],
      defs.map(d => el('tr', { class: 'clickable', 'data-journey': d.journeyId, onclick: () => { location.hash = '#/journeys/' + encodeURIComponent(d.journeyId); } },
        el('td', { text: d.journeyId }), el('td', { text: 'v' + d.version }), el('td', { text: d.name }),
        el('td', { text: d.steps }), el('td', { class: 'num', text: d.running ?? '—' }))), { id: 'journey-list' });
    page().replaceChildren(card('旅程定义与版本', list), el('div', { id: 'journey-detail' }));
    const id = args && args[0];
    if (id) await journeyDetail(id);
  }

  async function journeyDetail(id) {
    const detail = await api('GET', '/journey-definitions/' + encodeURIComponent(id));
    const stages = detail.runningByStage
      ? table(['阶段', { label: '进行中的客户', num: true }],
        detail.runningByStage.map(s => el('tr', { 'data-stage': s.stage }, el('td', { text: s.stage }), el('td', { class: 'num', text: s.customers }))),
        { id: 'running-by-stage' })
      : el('p', { class: 'muted', id: 'running-by-stage', text: '此主机不统计各阶段进行中的客户（Azure 上旅程由 Durable 编排运行）。' });
    const steps = table(['步骤', '阶段', '渠道', '第几天', '内容'],
      detail.steps.map(s => el('tr', {}, el('td', { text: s.id }), el('td', { text: s.stage }), el('td', { text: s.channel }), el('td', { text: s.day }), el('td', { text: s.content }))));
    const parts = [card(`${detail.journeyId} v${detail.version} ${detail.name}（版本：${detail.versions.map(v => 'v' + v).join('、')}）`, el('h3', { text: '各阶段进行中的客户' }), stages, el('h3', { text: '步骤' }), steps)];
    if (canWrite()) {
      const forecast = el('div', { id: 'forecast' });
      const form = el('form', { class: 'inline', id: 'forecast-form', onsubmit: (e) => { e.preventDefault(); act($('#forecast-button'), runForecast); } },
        el('label', {}, '客群（分群条件）', el('input', { id: 'segment', size: 40, placeholder: 'tag:代发 AND aum>=50000' })),
        el('button', { type: 'submit', id: 'forecast-button' }, '上线前预测'));
      parts.push(card('为客群启动', el('p', { class: 'muted', text: '先用模拟器预测该客群的触达量、客户经理每天要确认的群发数和策略会拒绝的触达，再决定启动或取消。' }), form, forecast));
      async function runForecast() {
        const segment = $('#segment').value.trim();
        const f = await api('POST', '/journey-definitions/' + encodeURIComponent(id) + '/forecasts', { segment });
        forecast.replaceChildren(renderForecast(f, id, segment));
      }
    }
    $('#journey-detail').replaceChildren(...parts);
  }

  function renderForecast(f, journeyId, segment) {
    const days = [...new Set(f.touchesPerDay.map(t => t.day))];
    const channels = [...new Set(f.touchesPerDay.map(t => t.channel))];
    const touches = table(['日期', ...channels.map(c => ({ label: c, num: true }))],
      days.map(d => el('tr', {}, el('td', { text: d }), channels.map(c => el('td', { class: 'num', text: (f.touchesPerDay.find(t => t.day === d && t.channel === c) || { touches: 0 }).touches })))),
      { id: 'forecast-touches' });
    const confirmations = table(['客户经理', '日期', { label: '群发确认', num: true }],
      f.confirmationsPerManagerPerDay.map(c => el('tr', {}, el('td', { text: c.managerId }), el('td', { text: c.day }), el('td', { class: 'num', text: c.tasks }))),
      { id: 'forecast-confirmations' });
    const refusals = table(['原因', { label: '次数', num: true }],
      f.refusals.map(r => el('tr', {}, el('td', { text: r.reason }), el('td', { class: 'num', text: r.count }))), { id: 'forecast-refusals' });
    const out = el('div', {},
      el('p', { id: 'forecast-summary', 'data-customers': f.customers, text: `客群 ${f.customers} 人（${f.unassigned} 人无客户经理）；自 ${f.startDay} 启动，共 ${f.days} 天，预计触达 ${f.totalTouches} 次，策略拒绝 ${f.totalRefusals} 人。` }),
      el('p', { class: 'muted', text: f.assumptions }),
      el('h3', { text: '每天每渠道的触达' }), touches, el('h3', { text: '每位客户经理每天的群发确认' }), confirmations, el('h3', { text: '策略拒绝（频控、免打扰时段）' }), refusals);
    const actions = el('div', { class: 'toolbar' },
      el('button', { type: 'button', id: 'start-segment', onclick: (e) => act(e.target, async () => {
        const r = await api('POST', '/journeys/segment-starts', { journeyId, segment, limit: Math.max(1, f.customers) });
        show(`已启动：匹配 ${r.matched}，新启动 ${r.started}，已在进行 ${r.alreadyStarted}，无客户经理 ${r.noAccountManager}。`);
        await journeys([journeyId]);
      }) }, '启动'),
      el('button', { type: 'button', class: 'secondary', id: 'cancel-forecast', onclick: () => { out.remove(); show('已取消，未启动任何旅程。'); } }, '取消'));
    out.append(actions);
    return out;
  }

  // ---- 代发 (payroll) ----------------------------------------------------------------------------------------
  async function payroll(args) {
    const form = el('form', { class: 'inline', onsubmit: (e) => { e.preventDefault(); loadWindows(); } },
      el('label', {}, '未来天数', el('input', { type: 'number', id: 'days', min: 1, max: 366, value: sessionStorage.getItem(STORE + '.days') || 31 })),
      el('button', { type: 'submit', id: 'windows-query' }, '查询'));
    const windows = el('div', { id: 'windows' });
    const campaign = el('div', { id: 'campaign' });
    page().replaceChildren(card('代发窗口', form, windows), campaign);

    async function loadWindows() {
      sessionStorage.setItem(STORE + '.days', $('#days').value);
      const data = await api('GET', '/payroll/windows?days=' + encodeURIComponent($('#days').value)).catch(fail);
      if (!data) return;
      const rows = data.windows.map(w => el('tr', { 'data-campaign': w.campaignId },
        el('td', { text: w.campaignId }), el('td', { text: w.employerId }), el('td', { text: w.payMonth }), el('td', { text: w.payday }),
        el('td', { text: w.campaignDays.join('、') }), el('td', { text: w.started ? '已启动' : '未启动' }),
        el('td', {}, w.started
          ? el('button', { type: 'button', class: 'secondary', onclick: () => { location.hash = '#/payroll/' + encodeURIComponent(w.campaignId); } }, '查看')
          : canWrite() ? el('button', { type: 'button', 'data-start': w.campaignId, onclick: (e) => act(e.target, async () => {
            const c = await api('POST', '/payroll/campaigns', { employerId: w.employerId, payMonth: w.payMonth });
            location.hash = '#/payroll/' + encodeURIComponent(c.campaignId);
          }) }, '启动') : null)));
      windows.replaceChildren(
        el('p', { class: 'muted', text: `${data.from} 至 ${data.to}` }),
        table(['活动', '单位', '发薪月', '发薪日', '活动日', '状态', ''], rows, { id: 'windows-table' }),
        el('h3', { text: '尚未确定的发薪月' }),
        data.undecided.length
          ? table(['单位', '发薪月', '缺少的日历年', '原因'], data.undecided.map(u => el('tr', {}, el('td', { text: u.employerId }), el('td', { text: u.payMonth }), el('td', { text: u.missingYear }), el('td', { text: u.reason }))), { id: 'undecided-table' })
          : el('p', { class: 'muted', text: '无' }),
        data.calendarWarnings.length ? el('ul', { id: 'calendar-warnings' }, data.calendarWarnings.map(w => el('li', { class: 'finding', text: w }))) : null);
    }
    await loadWindows();
    if (args && args[0]) await showCampaign(args[0], campaign);
  }

  async function showCampaign(id, holder) {
    async function refresh() {
      const c = await api('GET', '/payroll/campaigns/' + encodeURIComponent(id)).catch(fail);
      if (!c) return;
      const n = c.counts;
      const stats = [['enrolled', '入组', n.enrolled], ['reached', '已触达', n.reached], ['engaged', '已互动', n.engaged], ['converted', '已转化', n.converted],
        ['refused', '策略拒绝', n.refused], ['noManager', '无客户经理', n.noManager]];
      holder.replaceChildren(card(`代发活动 ${c.campaignId}`,
        el('p', { id: 'campaign-status', text: `状态：${c.status}；发薪日 ${c.payday}；活动日 ${c.campaignDays.join('、')}；批次 ${c.batches}${c.stoppedAt ? '；已停止 ' + fmtTime(c.stoppedAt) : ''}` }),
        el('div', { class: 'grid', id: 'campaign-counts' }, stats.map(([k, t, v]) => el('div', { class: 'stat', 'data-count': k }, t, el('b', { text: v })))),
        el('h3', { text: '各步骤' }),
        table(['步骤', { label: '已发送', num: true }, { label: '被拒绝', num: true }],
          Object.keys(n.sentByStep).map(s => el('tr', { 'data-step': s }, el('td', { text: STEPS[s] || s }), el('td', { class: 'num', 'data-sent': s, text: n.sentByStep[s] }), el('td', { class: 'num', text: n.refusedByStep[s] }))),
          { id: 'campaign-steps' }),
        canWrite() && c.status !== 'Stopped' ? el('div', { class: 'toolbar' }, el('button', { type: 'button', class: 'danger', id: 'stop-campaign', onclick: (e) => act(e.target, async () => {
          if (!confirm('停止后不再发送该活动的任何消息，确定停止？')) return;
          await api('DELETE', '/payroll/campaigns/' + encodeURIComponent(id));
          show('已停止。');
          await refresh();
        }) }, '停止活动')) : null,
        el('p', { class: 'muted', text: '每 3 秒自动刷新。' })));
    }
    await refresh();
    state.timers.push(setInterval(refresh, 3000));
  }

  // ---- 内容 (content) ----------------------------------------------------------------------------------------
  async function content(args) {
    const list = await api('GET', '/content/templates');
    const rows = list.map(t => el('tr', { class: 'clickable', 'data-template': t.id, onclick: () => { location.hash = '#/content/' + encodeURIComponent(t.id); } },
      el('td', { text: t.id }), el('td', { text: t.title }), el('td', { text: t.channel }),
      el('td', {}, t.versions.map(v => el('span', { class: 'badge status-' + v.status, text: `${v.scope === 'bank' ? '本行' : '默认'} v${v.version} ${STATUS[v.status]}` })))));
    page().replaceChildren(card('内容模板', table(['模板', '标题', '渠道', '版本'], rows, { id: 'template-list' })), el('div', { id: 'template-detail' }));
    if (args && args[0]) await templateDetail(args[0]);
  }

  async function templateDetail(id) {
    const versions = await api('GET', '/content/templates/' + encodeURIComponent(id));
    const holder = $('#template-detail');
    const cards = versions.slice().reverse().map(v => {
      const own = v.scope === 'bank';
      const actions = el('div', { class: 'toolbar' });
      if (own && v.status === 'draft' && canWrite()) {
        actions.append(el('button', { type: 'button', 'data-action': 'submit', onclick: (e) => act(e.target, async () => {
          await api('POST', `/content/templates/${encodeURIComponent(id)}/versions/${v.version}/submit`);
          show(`v${v.version} 已提交审批。`);
          await templateDetail(id);
        }) }, '提交审批'));
      }
      if (own && v.status === 'submitted' && has('Compliance')) {
        const reason = el('input', { id: `reject-reason-${v.version}`, placeholder: '驳回原因', size: 30 });
        actions.append(
          el('button', { type: 'button', 'data-action': 'approve', onclick: (e) => act(e.target, async () => {
            await api('POST', `/content/templates/${encodeURIComponent(id)}/versions/${v.version}/approve`);
            show(`v${v.version} 已批准。`);
            await templateDetail(id);
          }) }, '批准'),
          reason,
          el('button', { type: 'button', class: 'danger', 'data-action': 'reject', onclick: (e) => act(e.target, async () => {
            await api('POST', `/content/templates/${encodeURIComponent(id)}/versions/${v.version}/reject`, { reason: reason.value });
            show(`v${v.version} 已驳回。`);
            await templateDetail(id);
          }) }, '驳回'));
      }
      return el('section', { class: 'card', 'data-version': v.version, 'data-scope': v.scope, 'data-status': v.status },
        el('h2', {}, `${own ? '本行' : '默认'} v${v.version} `, el('span', { class: 'badge status-' + v.status, text: STATUS[v.status] }), ' ', v.title),
        el('p', { class: 'muted', text: `作者 ${v.author || '—'}${v.submittedBy ? '；提交 ' + v.submittedBy : ''}${v.approvedBy ? '；批准 ' + v.approvedBy + ' ' + fmtTime(v.approvedAt) : ''}；${v.channel}/${v.stage}` }),
        el('pre', { class: 'body', text: v.body }),
        v.findings.length
          ? el('ul', { class: 'findings' }, v.findings.map(f => el('li', { class: 'finding', text: `敏感词「${f.matched}」（${f.word}，${f.category}，${f.field}）` })))
          : el('p', { class: 'muted findings-none', text: `敏感词筛查（词表 ${v.screenVersion || '未发布'}）：未发现` }),
        el('details', {}, el('summary', { text: '审批记录' }),
          table(['#', '动作', '人', '时间', '角色', '说明'], v.history.map(h => el('tr', {}, el('td', { text: h.sequence }), el('td', { text: ACTIONS[h.action] || h.action }),
            el('td', { text: h.by }), el('td', { text: fmtTime(h.at) }), el('td', { text: h.role || '' }), el('td', { text: h.note || '' }))))),
        actions);
    });
    const newest = versions[versions.length - 1];
    if (canWrite()) {
      cards.unshift(card('写新版本（草稿）',
        el('form', { id: 'draft-form', onsubmit: (e) => { e.preventDefault(); act($('#draft-save'), async () => {
          const v = await api('POST', `/content/templates/${encodeURIComponent(id)}/drafts`, { title: $('#draft-title').value, body: $('#draft-body').value });
          show(`已保存为草稿 v${v.version}${v.findings.length ? `（敏感词 ${v.findings.length} 处，批准前须修改）` : ''}。`);
          await templateDetail(id);
        }); } },
        el('label', {}, '标题', el('input', { id: 'draft-title', value: newest.title, size: 40 })),
        el('label', {}, '正文', el('textarea', { id: 'draft-body', rows: 6 }, newest.body)),
        el('div', { class: 'toolbar' }, el('button', { type: 'submit', id: 'draft-save' }, '保存为草稿')))));
    }
    holder.replaceChildren(el('h2', { text: id }), ...cards);
  }

  // ---- 审计 (audit) ------------------------------------------------------------------------------------------
  async function audit() {
    const form = el('form', { class: 'inline', id: 'audit-form', onsubmit: (e) => { e.preventDefault(); load(); } },
      el('label', {}, '日期（UTC）', el('input', { type: 'date', id: 'audit-day', value: new Date().toISOString().slice(0, 10) })),
      el('label', {}, '操作人包含', el('input', { id: 'audit-actor' })),
      el('label', {}, '动作包含', el('input', { id: 'audit-action', placeholder: 'content.approve' })),
      el('button', { type: 'submit', id: 'audit-query' }, '查询'));
    const holder = el('div', { id: 'audit-holder' });
    const lookup = el('form', { class: 'inline', id: 'customer-form', onsubmit: (e) => { e.preventDefault(); act($('#customer-query'), findCustomer); } },
      el('label', {}, '按', el('select', { id: 'customer-key' }, [['id', '客户编号'], ['crmId', 'CRM 客户号'], ['externalUserId', 'external_userid']].map(([v, t]) => el('option', { value: v, text: t })))),
      el('label', {}, '值', el('input', { id: 'customer-value', size: 30 })),
      el('button', { type: 'submit', id: 'customer-query' }, '查找'));
    const customer = el('div', { id: 'customer-holder' });
    page().replaceChildren(card('审计日志', form, holder), card('客户查询（脱敏）', lookup, customer));

    async function findCustomer() {
      const c = await api('GET', `/customers?${encodeURIComponent($('#customer-key').value)}=${encodeURIComponent($('#customer-value').value.trim())}`);
      const parts = [table(['客户编号', '层级', '姓名', '手机', '标签', '代发单位', '创建时间'], [el('tr', { 'data-customer': c.customerId },
        el('td', { text: c.customerId }), el('td', { text: c.tier }), el('td', { text: c.name || '—' }), el('td', { text: c.phone || '—' }),
        el('td', { text: c.tags.join('、') }), el('td', { text: c.payrollEmployer || '—' }), el('td', { text: fmtTime(c.createdAt) }))], { id: 'customer-table' }),
        el('h3', { text: '客户经理' }),
        table(['客户经理', '状态', '添加时间', '渠道码'], c.managers.map(m => el('tr', {}, el('td', { text: m.managerId }), el('td', { text: m.status }),
          el('td', { text: fmtTime(m.addedAt) }), el('td', { text: m.channelCode || '—' }))))];
      if (has('Admin')) {
        const reason = el('input', { id: 'erasure-reason', size: 30, placeholder: '原因，如 PIPL 申请编号' });
        parts.push(el('div', { class: 'toolbar' }, reason, el('button', { type: 'button', class: 'danger', id: 'erase-customer', onclick: (e) => act(e.target, async () => {
          if (!confirm(`擦除客户 ${c.customerId} 的全部个人信息（不可恢复）？`)) return;
          const r = await api('POST', `/customers/${encodeURIComponent(c.customerId)}/erasure`, { reason: reason.value });
          customer.replaceChildren(el('p', { id: 'erasure-done', text: `已擦除 ${r.customerId}：档案 ${r.profileRemoved ? '已删除' : '不存在'}，关系 ${r.relationships} 条，旅程 ${r.journeys} 个，信号 ${r.signals} 条；记录人 ${r.requestedBy}，原因 ${r.reason}。` }));
        }) }, '擦除（PIPL）')));
      }
      customer.replaceChildren(...parts);
    }
    async function load() {
      const q = new URLSearchParams({ day: $('#audit-day').value });
      if ($('#audit-actor').value) q.set('actor', $('#audit-actor').value);
      if ($('#audit-action').value) q.set('action', $('#audit-action').value);
      const rows = await api('GET', '/audit?' + q).catch(fail);
      if (!rows) return;
      holder.replaceChildren(table(['时间', '操作人', '动作', '对象', '结果', '来源'],
        rows.map(r => el('tr', {}, el('td', { text: fmtTime(r.at) }), el('td', { text: r.actor }), el('td', { text: r.action }),
          el('td', { text: r.target }), el('td', { text: r.outcome }), el('td', { text: r.from }))), { id: 'audit-table' }));
    }
    await load();
  }

  document.addEventListener('DOMContentLoaded', () => { start().catch(fail); });
})();
