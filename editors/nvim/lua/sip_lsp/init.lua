-- What a sip-lsp buffer gets on attach, beyond Neovim's LSP defaults (K, ]d, gra, grr, …):
-- virtual text for this server's diagnostics, inlay hints when the settings enable them,
-- completion that applies the server's edits (`<C-x><C-o>` then `<C-y>`), code lens refresh,
-- :SipSimulate 603 (the steps in the quickfix list; a lens click asks for the status).
-- Options: vim.g.sip_lsp = { virtual_text = false, inlay_hints = false, completion = false,
-- autotrigger = true, codelens = false, simulate_open = false } or require('sip_lsp').setup({ ... }).
local M = {}

local defaults = {
  -- true, false or a vim.diagnostic.Opts.VirtualText table; applies to sip-lsp's namespace only.
  virtual_text = true,
  -- nil: follow settings.sipLsp.inlayHints of the client (default on); true/false: force.
  inlay_hints = nil,
  -- vim.lsp.completion in the buffer, so that accepting an item applies its text edit or snippet.
  completion = true,
  -- complete as you type on the server's trigger characters (off: <C-x><C-o> asks).
  autotrigger = false,
  -- refresh code lenses on BufEnter/InsertLeave/CursorHold when the server offers them.
  codelens = true,
}

local chosen = {}

--- Overrides the defaults (the same keys as vim.g.sip_lsp, which wins when both are set).
function M.setup(opts)
  chosen = vim.tbl_extend('force', chosen, opts or {})
end

function M.options()
  local from_global = type(vim.g.sip_lsp) == 'table' and vim.g.sip_lsp or {}
  return vim.tbl_extend('force', defaults, chosen, from_global)
end

-- Per-namespace: other servers' diagnostics keep the user's global choice.
local function show_virtual_text(client, opts)
  if opts.virtual_text == false or vim.diagnostic.config().virtual_lines then
    return
  end
  local virtual_text = type(opts.virtual_text) == 'table' and opts.virtual_text
    or {
      source = false,
      format = function(d)
        return d.code and ('%s [%s]'):format(d.message, d.code) or d.message
      end,
    }
  for _, is_pull in ipairs({ false, true }) do
    local ns = vim.lsp.diagnostic.get_namespace(client.id, is_pull)
    vim.diagnostic.config({ virtual_text = virtual_text }, ns)
  end
end

local function wants_inlay_hints(client, opts)
  if opts.inlay_hints ~= nil then
    return opts.inlay_hints
  end
  local setting = vim.tbl_get(client.config.settings or {}, 'sipLsp', 'inlayHints')
  return setting ~= false
end

-- Code lenses: the one-line outcome table above each failover point (resolved by Neovim).
local function watch_codelens(client, bufnr)
  local group = vim.api.nvim_create_augroup(('sip_lsp_codelens_%d'):format(bufnr), { clear = true })
  local function refresh()
    if client:is_stopped() or not client:supports_method('textDocument/codeLens', bufnr) then
      return
    end
    vim.lsp.codelens.refresh({ bufnr = bufnr })
  end
  vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'CursorHold' }, {
    group = group,
    buffer = bufnr,
    callback = refresh,
  })
  refresh()
end

-- Simulate a response: the server's sipLsp.simulate walks one status through the failover
-- point on (or above) a line; the steps fill the quickfix list, titled with the outcome.
local function simulate(client, bufnr, line, status)
  if tostring(status):match('^%d+$') then
    status = tonumber(status)
  end
  local params = {
    command = 'sipLsp.simulate',
    arguments = { vim.uri_from_bufnr(bufnr), line, status },
  }
  client:request('workspace/executeCommand', params, function(err, result)
    if err or type(result) ~= 'table' then
      vim.notify(err and err.message or 'sip-lsp: simulate returned nothing', vim.log.levels.ERROR)
      return
    end
    local items = {}
    for _, step in ipairs(result.steps or {}) do
      local text = step.text
      if type(step.source) == 'string' and step.source ~= '' then
        text = ('%s  → %s'):format(step.source, step.text)
      end
      local item = { text = text, lnum = step.line and step.line + 1 or 0, valid = step.line ~= nil }
      if step.path and step.path ~= vim.NIL then
        item.filename = step.path
      else
        item.bufnr = bufnr
      end
      table.insert(items, item)
    end
    vim.fn.setqflist({}, ' ', { title = result.summary, items = items })
    vim.notify(result.summary, vim.log.levels.INFO)
    if M.options().simulate_open ~= false then
      vim.cmd('botright copen')
    end
  end, bufnr)
end

local function ask_status(callback)
  vim.ui.input({ prompt = 'Response to simulate (300-699, timeout, cancelled): ' }, function(input)
    if input and vim.trim(input) ~= '' then
      callback(vim.trim(input))
    end
  end)
end

-- The command every code lens carries: (uri, line); it asks for the status.
vim.lsp.commands['sipLsp.simulateResponse'] = function(command, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local args = command.arguments or {}
  local bufnr = type(args[1]) == 'string' and vim.uri_to_bufnr(args[1]) or ctx.bufnr
  local line = type(args[2]) == 'number' and args[2] or (vim.api.nvim_win_get_cursor(0)[1] - 1)
  if client then
    ask_status(function(status) simulate(client, bufnr, line, status) end)
  end
end

-- :SipSimulate [status]: the failover point at (or above) the cursor; asks when no status is given.
local function define_simulate(client, bufnr)
  vim.api.nvim_buf_create_user_command(bufnr, 'SipSimulate', function(cmd)
    local line = vim.api.nvim_win_get_cursor(0)[1] - 1
    if cmd.args ~= '' then
      simulate(client, bufnr, line, cmd.args)
    else
      ask_status(function(status) simulate(client, bufnr, line, status) end)
    end
  end, { nargs = '?', desc = 'sip-lsp: walk a response (603, timeout, cancelled) through the failover point' })
end

-- KEMI scripts: buffers another server (pyright, lua_ls, ts_ls) owns as well.
local shared_filetypes = { python = true, lua = true, javascript = true }

--- Called for every sip_lsp client that attaches to a buffer (plugin/sip_lsp.lua does it).
--- In a KEMI script the buffer-wide switches (inlay hints, completion) are left as the
--- user's own server set them unless vim.g.sip_lsp / setup() names them explicitly.
function M.on_attach(client, bufnr)
  local opts = M.options()
  local explicit = vim.tbl_extend('force', chosen, type(vim.g.sip_lsp) == 'table' and vim.g.sip_lsp or {})
  local shared = shared_filetypes[vim.bo[bufnr].filetype] == true
  show_virtual_text(client, opts)
  if client:supports_method('textDocument/inlayHint', bufnr) and (not shared or explicit.inlay_hints ~= nil) then
    vim.lsp.inlay_hint.enable(wants_inlay_hints(client, opts), { bufnr = bufnr })
  end
  local completion = opts.completion and (not shared or explicit.completion == true)
  if completion and client:supports_method('textDocument/completion', bufnr) then
    vim.lsp.completion.enable(true, client.id, bufnr, { autotrigger = opts.autotrigger })
  end
  if opts.codelens then
    watch_codelens(client, bufnr)
  end
  define_simulate(client, bufnr)
end

return M
