#!/usr/bin/env node
/*
 * Launcher for the npm `telegram-test-api` 4.2.1 Telegram Bot API emulator, patched so that
 * python-telegram-bot 22 can talk to it, used by qbot's end-to-end tests (tests/e2e/).
 *
 * Usage: node tests/e2e/emulator.js [--host 127.0.0.1] [--port 0] [--store-timeout 3600]
 *
 * Prints one JSON line `{"ready": true, "port": N}` on stdout once it listens (port 0 = a free
 * port chosen by the OS), then serves until SIGTERM/SIGINT.
 *
 * What is fixed compared to the stock 4.2.1 server (all of it in this file, nothing in
 * node_modules is edited):
 *   - getMe lacks `is_bot` (PTB requires it)                    -> full bot User object
 *   - sendMessage results have `date` in milliseconds, no `from`  -> seconds, bot as `from`
 *   - callback queries lack `chat_instance`                        -> added
 *   - editMessageText / editMessageReplyMarkup / answerCallbackQuery / setWebhook return
 *     `result: null`                                               -> Message / true
 *   - editMessageText keeps the old keyboard when none is sent     -> removed, like Telegram
 *   - no inline mode                                               -> client route
 *     POST /sendInlineQuery and bot route answerInlineQuery; answers readable via
 *     POST /getInlineQueryAnswer
 *   - setMyCommands & co. are "unsupported methods" (HTTP 500)     -> stored per scope, readable
 *     via POST /getMyCommands
 *   - no files at all                                              -> users send documents
 *     (POST /sendDocument), the bot fetches them with getFile and downloads them under the file
 *     base URL (GET /file/bot<token>/<file_path>); the bot's sendDocument and sendPhoto (multipart
 *     uploads) are stored, their bytes readable via POST /getFile
 *   - getUpdates never long-polls                                  -> honours `timeout`
 *   - stored messages expire after 60 s                            -> --store-timeout (1 h)
 *   - user-update ids are assigned after an `await`, so concurrent client requests could
 *     share message/callback ids                                   -> assigned synchronously
 *   - a failed webhook delivery is an unhandled rejection that kills Node -> logged; the
 *     webhook's secret_token is sent as X-Telegram-Bot-Api-Secret-Token
 * Like Telegram it also rejects (HTTP 400) bot messages whose HTML does not parse, whose text
 * is empty or longer than 4096 characters, and buttons whose callback_data exceeds 64 bytes,
 * so formatting bugs surface as handler errors in the bot.
 *
 * Extra client routes (JSON bodies):
 *   POST /sendMessage, /sendCommand  {botToken, from, chat, date, text, entities?, ...}
 *        -> {ok, result: {update_id, message_id}}
 *   POST /sendCallback               {botToken, from, message, data}
 *        -> {ok, result: {update_id, callback_query_id}}
 *   POST /sendInlineQuery            {botToken, from, query, offset?, chat_type?}
 *        -> {ok, result: {update_id, inline_query_id}}
 *   POST /getInlineQueryAnswer       {inlineQueryId}   -> {ok, result: answer | null}
 *   POST /getCallbackAnswer          {callbackQueryId} -> {ok, result: answer | null}
 *   POST /getMyCommands              {token, scope?}   -> {ok, result: [..] | null}
 *   POST /sendDocument               {botToken, from, chat, date?, caption?, document: {file_name,
 *        mime_type?, content (base64), file_size? (the size claimed in the update; default: real)}}
 *        -> {ok, result: {update_id, message_id, file_id}}
 *   POST /getFile                    {fileId}  -> {ok, result: {file_name, mime_type, file_size,
 *        content (base64), get_file_calls, downloads} | null}
 *   POST /getUpdates, /getUpdatesHistory  (stock routes, unchanged)
 *   ANY  /unauthorized/bot<token>/<method>  -> HTTP 401 (a Bot API rejecting every token)
 */
'use strict';

const path = require('path');

const ttaDir = path.dirname(require.resolve('telegram-test-api/package.json'));
const express = require(require.resolve('express', { paths: [ttaDir] }));
const TelegramServer = require('telegram-test-api');

// ---------------------------------------------------------------- arguments
function parseArgs(argv) {
  const opts = { host: '127.0.0.1', port: 0, storeTimeout: 3600 };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const next = () => {
      i += 1;
      if (i >= argv.length) throw new Error(`missing value for ${arg}`);
      return argv[i];
    };
    if (arg === '--host') opts.host = next();
    else if (arg === '--port') opts.port = Number(next());
    else if (arg === '--store-timeout') opts.storeTimeout = Number(next());
    else throw new Error(`unknown argument ${arg}`);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));

process.on('unhandledRejection', (reason) => {
  console.error(`[emulator] unhandled rejection: ${reason && reason.stack ? reason.stack : reason}`);
});
let listening = false;
process.on('uncaughtException', (error) => {
  console.error(`[emulator] uncaught exception: ${error && error.stack ? error.stack : error}`);
  if (!listening) process.exit(1);
});

// ---------------------------------------------------------------- server + state
const server = new TelegramServer({ host: opts.host, port: 9000, storeTimeout: opts.storeTimeout });
// normalizeConfig() turns port 0 into 9000; set the real wish after construction.
server.config.port = opts.port;

const BOT_USER = {
  id: 666,
  is_bot: true,
  first_name: 'Test First name',
  username: 'TestNameBot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: true,
};

const state = {
  chats: new Map(), // chat id -> chat object seen in user messages
  inlineAnswers: new Map(), // inline query id -> answerInlineQuery parameters
  callbackAnswers: new Map(), // callback query id -> answerCallbackQuery parameters
  commands: new Map(), // `${bot token} ${scope key}` -> setMyCommands commands
  files: new Map(), // file_id -> {data, file_unique_id, file_name, mime_type, file_size, file_path, ...}
  fileId: 1,
  waiters: new Map(), // bot token -> Set of wake-up callbacks (long polling)
  inlineQueryId: 1,
};

function wake(token) {
  const set = state.waiters.get(token);
  if (!set) return;
  state.waiters.delete(token);
  for (const fn of set) fn();
}

function waitForUpdate(token, ms) {
  return new Promise((resolve) => {
    let set = state.waiters.get(token);
    if (!set) {
      set = new Set();
      state.waiters.set(token, set);
    }
    let timer = null;
    const done = () => {
      clearTimeout(timer);
      set.delete(done);
      resolve();
    };
    timer = setTimeout(done, ms);
    set.add(done);
  });
}

// ---------------------------------------------------------------- helpers
function params(req) {
  return decodeParams({ ...req.query, ...req.body });
}

function decodeParams(merged) {
  // PTB sends form-encoded (or multipart) bodies in which non-string values are JSON encoded.
  for (const key of ['reply_markup', 'entities', 'reply_parameters', 'link_preview_options',
    'results', 'commands', 'scope', 'button', 'allowed_updates']) {
    if (typeof merged[key] === 'string') {
      try {
        merged[key] = JSON.parse(merged[key]);
      } catch (e) {
        // leave as is; validation below reports it
      }
    }
  }
  return merged;
}

function ok(res, result) {
  res.json({ ok: true, result });
}

function badRequest(res, description) {
  res.status(400).json({ ok: false, error_code: 400, description: `Bad Request: ${description}` });
}

function botRoute(app, method, handler) {
  app.all(`/bot:token/${method}`, (req, res, next) => {
    const fail = (error) => {
      console.error(`[emulator] ${method} failed: ${error.stack || error}`);
      if (!res.headersSent) res.status(500).json({ ok: false, error_code: 500, description: String(error) });
    };
    try {
      Promise.resolve(handler(req, res, next)).catch(fail);
    } catch (error) {
      fail(error);
    }
  });
}

const ALLOWED_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a',
  'code', 'pre', 'blockquote', 'span', 'tg-spoiler', 'tg-emoji']);

/** Parse Telegram-flavoured HTML like the Bot API; return [plainText, error]. */
function parseTelegramHtml(text) {
  const stack = [];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '<') {
      const end = text.indexOf('>', i);
      if (end < 0) return [null, `can't parse entities: unclosed start tag at byte offset ${i}`];
      const inner = text.slice(i + 1, end);
      const closing = inner.startsWith('/');
      const name = (closing ? inner.slice(1) : inner).trim().split(/\s+/)[0].toLowerCase();
      if (!ALLOWED_TAGS.has(name)) {
        return [null, `can't parse entities: unsupported start tag "${name}" at byte offset ${i}`];
      }
      if (closing) {
        const top = stack.pop();
        if (top !== name) {
          return [null, `can't parse entities: can't find end tag corresponding to start tag "${top}"`];
        }
      } else {
        stack.push(name);
      }
      i = end + 1;
    } else if (ch === '>') {
      return [null, `can't parse entities: unexpected ">" at byte offset ${i}`];
    } else if (ch === '&') {
      const m = /^&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);/.exec(text.slice(i, i + 12));
      if (!m) return [null, `can't parse entities: unsupported entity at byte offset ${i}`];
      const ent = m[1];
      if (ent === 'lt') plain += '<';
      else if (ent === 'gt') plain += '>';
      else if (ent === 'amp') plain += '&';
      else if (ent === 'quot') plain += '"';
      else if (ent.startsWith('#x')) plain += String.fromCodePoint(parseInt(ent.slice(2), 16));
      else plain += String.fromCodePoint(parseInt(ent.slice(1), 10));
      i += m[0].length;
    } else {
      plain += ch;
      i += 1;
    }
  }
  if (stack.length) return [null, `can't parse entities: unclosed tag "${stack[stack.length - 1]}"`];
  return [plain, null];
}

/** Validate text, parse mode and keyboard of an outgoing bot message; return error or null. */
function validateOutgoing(p) {
  if (p.text === undefined || p.text === null) return 'message text is empty';
  let plain = String(p.text);
  if (p.parse_mode && String(p.parse_mode).toUpperCase() === 'HTML') {
    const [parsed, error] = parseTelegramHtml(plain);
    if (error) return error;
    plain = parsed;
  }
  if (!plain.trim()) return 'message text is empty';
  if (plain.length > 4096) return 'message is too long';
  if (p.reply_markup !== undefined && typeof p.reply_markup !== 'object') return 'can\'t parse reply keyboard markup JSON object';
  const rows = (p.reply_markup && p.reply_markup.inline_keyboard) || [];
  for (const row of rows) {
    for (const button of row) {
      if (!button.text) return 'BUTTON_TEXT_EMPTY';
      if (button.callback_data !== undefined && Buffer.byteLength(String(button.callback_data), 'utf8') > 64) {
        return 'BUTTON_DATA_INVALID';
      }
    }
  }
  return null;
}

/** The key a command menu is stored under: `default`, `chat:<id>`, or the scope as JSON. */
function scopeKey(scope) {
  if (!scope || scope.type === 'default') return 'default';
  if (scope.type === 'chat') return `chat:${scope.chat_id}`;
  return JSON.stringify(scope);
}

/** Store file bytes; returns the stored record (file_id, file_unique_id, file_path, ...). */
function storeFile(data, fileName, mimeType, claimedSize) {
  const n = state.fileId++;
  const record = {
    data,
    file_id: `BQACAgIAAx-emulator-file-${n}`,
    file_unique_id: `AgAD-${n}`,
    file_name: fileName,
    mime_type: mimeType,
    file_size: claimedSize === undefined ? data.length : Number(claimedSize),
    file_path: `documents/file_${n}${path.extname(fileName || '')}`,
    getFileCalls: 0,
    downloads: 0,
  };
  state.files.set(record.file_id, record);
  return record;
}

/** The Telegram Document object of a stored file. */
function documentObject(record) {
  const doc = { file_id: record.file_id, file_unique_id: record.file_unique_id, file_size: record.file_size };
  if (record.file_name) doc.file_name = record.file_name;
  if (record.mime_type) doc.mime_type = record.mime_type;
  return doc;
}

/** Multipart/form-data body -> [fields, files] (files: field name -> {data, name, type}). */
async function readMultipart(req) {
  const form = await new Response(req.body, { headers: { 'content-type': req.headers['content-type'] } }).formData();
  const fields = {};
  const files = {};
  for (const [key, value] of form) {
    if (typeof value === 'string') fields[key] = value;
    else files[key] = { data: Buffer.from(await value.arrayBuffer()), name: value.name, type: value.type };
  }
  return [fields, files];
}

function chatFor(chatId) {
  const id = Number(chatId);
  const known = state.chats.get(id);
  if (known) return { ...known };
  if (id < 0) return { id, type: 'group', title: 'Test Group' };
  return { id, type: 'private', first_name: 'TestName' };
}

/** The Telegram Message object for a stored bot message. */
function botMessageObject(stored) {
  const m = stored.message;
  const msg = {
    message_id: stored.messageId,
    date: Math.floor(stored.time / 1000),
    chat: chatFor(m.chat_id),
    from: BOT_USER,
    text: m.text,
  };
  if (m.document) msg.document = m.document;
  if (m.photo) msg.photo = m.photo;
  if ((m.document || m.photo) && m.caption !== undefined) msg.caption = m.caption;
  if (m.edit_date) msg.edit_date = m.edit_date;
  if (m.reply_markup && m.reply_markup.inline_keyboard) msg.reply_markup = m.reply_markup;
  return msg;
}

function findBotMessage(token, chatId, messageId) {
  return server.storage.botMessages.find((u) => u.botToken === token
    && String(u.messageId) === String(messageId)
    && String(u.message.chat_id) === String(chatId));
}

// ---------------------------------------------------------------- user updates
TelegramServer.formatUpdate = function formatUpdate(update) {
  if ('callbackQuery' in update) {
    const cq = update.callbackQuery;
    const chatId = cq.message && cq.message.chat ? cq.message.chat.id : 0;
    return {
      update_id: update.updateId,
      callback_query: {
        id: String(update.callbackId),
        from: cq.from,
        message: cq.message,
        chat_instance: cq.chat_instance || `emulator-${chatId}`,
        data: cq.data,
      },
    };
  }
  if ('inlineQuery' in update) {
    return { update_id: update.updateId, inline_query: update.inlineQuery };
  }
  const { botToken, ...message } = update.message;
  return { update_id: update.updateId, message: { ...message, message_id: update.messageId } };
};

async function deliver(update) {
  const webhook = server.webhooks[update.botToken];
  if (!webhook) {
    server.storage.userMessages.push(update);
    wake(update.botToken);
    return;
  }
  update.isRead = true;
  server.storage.userMessages.push(update);
  const headers = { 'content-type': 'application/json' };
  if (webhook.secret_token) headers['x-telegram-bot-api-secret-token'] = String(webhook.secret_token);
  try {
    const resp = await fetch(webhook.url, {
      method: 'POST', headers, body: JSON.stringify(TelegramServer.formatUpdate(update)),
    });
    if (resp.status > 204) {
      console.error(`[emulator] webhook delivery of update ${update.updateId} failed: HTTP ${resp.status}`);
    }
  } catch (error) {
    console.error(`[emulator] webhook delivery of update ${update.updateId} failed: ${error}`);
  }
}

function newUserUpdate(token, fields) {
  return {
    time: Date.now(),
    botToken: token,
    updateId: server.updateId++,
    isRead: false,
    ...fields,
  };
}

/** Queue a user's message; returns [result, error]. */
function addUserMessage(message, kind) {
  const body = { ...message };
  const token = body.botToken;
  if (!token) return [null, 'the message must contain a `botToken` field'];
  if (kind === 'command' && !body.entities) return [null, 'command should have entities'];
  if (body.chat && body.chat.id !== undefined) state.chats.set(Number(body.chat.id), body.chat);
  if (body.date === undefined) body.date = Math.floor(Date.now() / 1000);
  const messageId = server.messageId++;
  const update = newUserUpdate(token, { message: body, messageId });
  deliver(update);
  server.emit(kind === 'command' ? 'AddedUserCommand' : 'AddedUserMessage');
  return [{ update_id: update.updateId, message_id: messageId }, null];
}

function userMessageRoute(kind) {
  return (req, res) => {
    const [result, error] = addUserMessage(req.body, kind);
    return error ? badRequest(res, error) : ok(res, result);
  };
}

// ---------------------------------------------------------------- routes
const app = express();
app.use(express.json({ limit: '10mb' }));
app.use(express.urlencoded({ extended: true, limit: '10mb' }));
app.use(express.raw({ type: 'multipart/form-data', limit: '60mb' }));

// client side (the "user")
app.post('/sendMessage', userMessageRoute('message'));
app.post('/sendCommand', userMessageRoute('command'));
app.post('/sendCallback', (req, res) => {
  const body = req.body;
  if (!body.botToken) return badRequest(res, 'the callback must contain a `botToken` field');
  const callbackId = server.callbackId++;
  const update = newUserUpdate(body.botToken, {
    callbackQuery: body, callbackId, messageId: body.message ? body.message.message_id : undefined,
  });
  deliver(update);
  server.emit('AddedUserCallbackQuery');
  return ok(res, { update_id: update.updateId, callback_query_id: String(callbackId) });
});
app.post('/sendInlineQuery', (req, res) => {
  const body = req.body;
  if (!body.botToken) return badRequest(res, 'the inline query must contain a `botToken` field');
  const id = String(state.inlineQueryId++);
  const inlineQuery = {
    id,
    from: body.from,
    query: body.query || '',
    offset: body.offset || '',
  };
  if (body.chat_type) inlineQuery.chat_type = body.chat_type;
  const update = newUserUpdate(body.botToken, { inlineQuery, inlineQueryId: id });
  deliver(update);
  return ok(res, { update_id: update.updateId, inline_query_id: id });
});
app.post('/getInlineQueryAnswer', (req, res) => ok(res, state.inlineAnswers.get(String(req.body.inlineQueryId)) || null));
app.post('/getCallbackAnswer', (req, res) => ok(res, state.callbackAnswers.get(String(req.body.callbackQueryId)) || null));
app.post('/getMyCommands', (req, res) => ok(res, state.commands.get(`${req.body.token} ${scopeKey(req.body.scope)}`) || null));
app.post('/sendDocument', (req, res) => {
  const { document, ...body } = req.body;
  if (!document || typeof document.content !== 'string') return badRequest(res, 'document.content (base64) is required');
  const record = storeFile(Buffer.from(document.content, 'base64'), document.file_name, document.mime_type,
    document.file_size);
  const [result, error] = addUserMessage({ ...body, document: documentObject(record) }, 'message');
  return error ? badRequest(res, error) : ok(res, { ...result, file_id: record.file_id });
});
app.post('/getFile', (req, res) => {
  const record = state.files.get(String(req.body.fileId));
  if (!record) return ok(res, null);
  return ok(res, {
    file_name: record.file_name,
    mime_type: record.mime_type,
    file_size: record.file_size,
    content: record.data.toString('base64'),
    get_file_calls: record.getFileCalls,
    downloads: record.downloads,
  });
});
// file downloads (TELEGRAM_FILE_BASE_URL = <emulator>/file/bot)
app.get('/file/bot:token/*', (req, res) => {
  const wanted = req.params[0];
  const record = [...state.files.values()].find((f) => f.file_path === wanted);
  if (!record) return res.status(404).json({ ok: false, error_code: 404, description: 'Not Found' });
  record.downloads += 1;
  res.type('application/octet-stream');
  return res.send(record.data);
});

// bot side (python-telegram-bot)
botRoute(app, 'getMe', (req, res) => ok(res, BOT_USER));

botRoute(app, 'getUpdates', async (req, res) => {
  const token = req.params.token;
  const p = params(req);
  const timeoutMs = Math.min(Math.max(Number(p.timeout) || 0, 0), 50) * 1000;
  let aborted = false;
  res.on('close', () => { aborted = true; });
  let updates = server.getUpdates(token);
  if (!updates.length && timeoutMs > 0) {
    await waitForUpdate(token, timeoutMs);
    if (aborted) return; // the bot went away: leave the updates unread for the next poll
    updates = server.getUpdates(token);
  }
  ok(res, updates);
});

botRoute(app, 'sendMessage', (req, res) => {
  const p = params(req);
  if (p.chat_id === undefined) return badRequest(res, 'chat_id is empty');
  const error = validateOutgoing(p);
  if (error) return badRequest(res, error);
  const { token } = req.params;
  server.addBotMessage(p, token);
  const stored = server.storage.botMessages[server.storage.botMessages.length - 1];
  return ok(res, botMessageObject(stored));
});

function editHandler(kind) {
  return (req, res) => {
    const p = params(req);
    if (p.inline_message_id) return ok(res, true);
    const stored = findBotMessage(req.params.token, p.chat_id, p.message_id);
    if (!stored) return badRequest(res, 'message to edit not found');
    const next = { ...stored.message };
    if (kind === 'text') {
      const error = validateOutgoing(p);
      if (error) return badRequest(res, error);
      next.text = p.text;
      next.parse_mode = p.parse_mode;
    }
    next.reply_markup = p.reply_markup;
    if (next.text === stored.message.text
      && JSON.stringify(next.reply_markup || null) === JSON.stringify(stored.message.reply_markup || null)) {
      return badRequest(res, 'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
    }
    next.edit_date = Math.floor(Date.now() / 1000);
    stored.message = next;
    server.emit(kind === 'text' ? 'EditedMessageText' : 'EditedMessageReplyMarkup');
    return ok(res, botMessageObject(stored));
  };
}
botRoute(app, 'editMessageText', editHandler('text'));
botRoute(app, 'editMessageReplyMarkup', editHandler('markup'));

botRoute(app, 'answerCallbackQuery', (req, res) => {
  const p = params(req);
  state.callbackAnswers.set(String(p.callback_query_id), p);
  ok(res, true);
});

botRoute(app, 'answerInlineQuery', (req, res) => {
  const p = params(req);
  if (!Array.isArray(p.results)) return badRequest(res, 'results must be an array');
  if (p.results.length > 50) return badRequest(res, 'RESULTS_TOO_MUCH');
  for (const r of p.results) {
    if (!r.id || Buffer.byteLength(String(r.id), 'utf8') > 64) return badRequest(res, 'RESULT_ID_INVALID');
    const content = r.input_message_content;
    if (content && content.message_text !== undefined) {
      const error = validateOutgoing({ text: content.message_text, parse_mode: content.parse_mode });
      if (error) return badRequest(res, error);
    }
  }
  state.inlineAnswers.set(String(p.inline_query_id), p);
  return ok(res, true);
});

botRoute(app, 'setMyCommands', (req, res) => {
  const p = params(req);
  state.commands.set(`${req.params.token} ${scopeKey(p.scope)}`, p.commands);
  ok(res, true);
});
botRoute(app, 'deleteMyCommands', (req, res) => {
  state.commands.delete(`${req.params.token} ${scopeKey(params(req).scope)}`);
  ok(res, true);
});
botRoute(app, 'getMyCommands', (req, res) => ok(res, state.commands.get(`${req.params.token} ${scopeKey(params(req).scope)}`) || []));

botRoute(app, 'getFile', (req, res) => {
  const record = state.files.get(String(params(req).file_id));
  if (!record) return badRequest(res, 'invalid file_id');
  record.getFileCalls += 1;
  return ok(res, { file_id: record.file_id, file_unique_id: record.file_unique_id, file_size: record.file_size,
    file_path: record.file_path });
});

/** Width and height of a PNG (0 × 0 for anything else). */
function imageSize(data) {
  const png = data.length >= 24 && data.readUInt32BE(0) === 0x89504e47 && data.toString('ascii', 12, 16) === 'IHDR';
  return png ? { width: data.readUInt32BE(16), height: data.readUInt32BE(20) } : { width: 0, height: 0 };
}

/** The bot uploads a file (multipart, the InputFile under the parameter `field`), like sendDocument. */
function uploadRoute(method, field, attach) {
  botRoute(app, method, async (req, res) => {
    let fields = req.body;
    let files = {};
    if (Buffer.isBuffer(req.body)) [fields, files] = await readMultipart(req);
    const p = decodeParams({ ...req.query, ...fields });
    if (p.chat_id === undefined) return badRequest(res, 'chat_id is empty');
    const upload = files[field]; // PTB uploads a single InputFile under the parameter's own name
    if (!upload) return badRequest(res, `there is no ${field} in the request`);
    if (p.caption !== undefined) {
      let plain = String(p.caption);
      if (p.parse_mode && String(p.parse_mode).toUpperCase() === 'HTML') {
        const [parsed, error] = parseTelegramHtml(plain);
        if (error) return badRequest(res, error);
        plain = parsed;
      }
      if (plain.length > 1024) return badRequest(res, 'message caption is too long');
    }
    const record = storeFile(upload.data, upload.name, upload.type || 'application/octet-stream');
    const message = { chat_id: p.chat_id, ...attach(record) };
    for (const key of ['caption', 'parse_mode', 'reply_markup', 'reply_parameters']) {
      if (p[key] !== undefined) message[key] = p[key];
    }
    server.addBotMessage(message, req.params.token);
    const stored = server.storage.botMessages[server.storage.botMessages.length - 1];
    return ok(res, botMessageObject(stored));
  });
}
uploadRoute('sendDocument', 'document', (record) => ({ document: documentObject(record) }));
// A photo is stored as uploaded; Telegram would also keep smaller sizes, the emulator keeps one.
uploadRoute('sendPhoto', 'photo', (record) => ({
  photo: [{ file_id: record.file_id, file_unique_id: record.file_unique_id, file_size: record.file_size,
    ...imageSize(record.data) }],
}));

botRoute(app, 'setWebhook', (req, res) => {
  const p = params(req);
  if (!p.url) return badRequest(res, 'bad webhook: an HTTPS URL must be provided for webhook');
  server.setWebhook({ url: p.url, secret_token: p.secret_token }, req.params.token);
  ok(res, true);
});
botRoute(app, 'sendChatAction', (req, res) => ok(res, true));
botRoute(app, 'close', (req, res) => ok(res, true));
botRoute(app, 'logOut', (req, res) => ok(res, true));

// A Bot API that rejects every token, like Telegram does for a revoked one.
app.all('/unauthorized/bot:token/:method', (req, res) => {
  res.status(401).json({ ok: false, error_code: 401, description: 'Unauthorized' });
});

// everything else: the stock telegram-test-api routes
app.use(server.webServer);
server.webServer = app;

// ---------------------------------------------------------------- run
async function main() {
  await server.start();
  const { port } = server.server.address();
  listening = true;
  process.stdout.write(`${JSON.stringify({ ready: true, port })}\n`);

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.error(`[emulator] ${signal}: stopping`);
    for (const token of [...state.waiters.keys()]) wake(token);
    setTimeout(() => process.exit(0), 3000).unref();
    try {
      await server.stop();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error) => {
  console.error(`[emulator] failed to start: ${error.stack || error}`);
  process.exit(1);
});
