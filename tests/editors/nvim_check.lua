-- Drives a real Neovim against sip-lsp: attach, diagnostics, hover, quick fix.
-- Run: nvim --headless --clean --cmd 'set rtp^=<editors/nvim>' -c 'lua vim.lsp.enable("sip_lsp")'
--        FILE -c 'luafile nvim_check.lua'
-- Env: SIP_RULE (rule id expected), SIP_HOVER (token to hover), SIP_OUT (result JSON path),
-- SIP_ACTION (optional: a piece of the code action's title to apply).
local rule = os.getenv('SIP_RULE')
local token = os.getenv('SIP_HOVER')
local out = os.getenv('SIP_OUT')
-- A plain-text piece of the action's title; unset: the preferred fix for the rule.
local wanted = os.getenv('SIP_ACTION')
local result = { filetype = vim.bo.filetype }

local function finish()
  local fh = io.open(out, 'w')
  fh:write(vim.json.encode(result))
  fh:close()
  vim.cmd('qa!')
end

local function rule_diags()
  return vim.tbl_filter(function(d) return d.code == rule end, vim.diagnostic.get(0))
end

local attached = vim.wait(15000, function() return #vim.lsp.get_clients({ bufnr = 0 }) > 0 end, 50)
result.attached = attached
if not attached then return finish() end
local client = vim.lsp.get_clients({ bufnr = 0 })[1]
result.client = client.name

result.diagnosed = vim.wait(15000, function() return #rule_diags() > 0 end, 50)
result.codes = vim.tbl_map(function(d) return d.code end, vim.diagnostic.get(0))
if not result.diagnosed then return finish() end

-- Hover on the last occurrence of the token (the first may sit in a comment).
for lnum, line in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
  local col = line:find(token, 1, true)
  if col then
    vim.api.nvim_win_set_cursor(0, { lnum, col })
  end
end
local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
local responses = vim.lsp.buf_request_sync(0, 'textDocument/hover', params, 5000) or {}
for _, resp in pairs(responses) do
  if resp.result and resp.result.contents then
    result.hover = resp.result.contents.value or vim.inspect(resp.result.contents)
  end
end

-- The quick fix, through the user-facing code_action call with apply=true.
local before = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
local diag = rule_diags()[1]
vim.api.nvim_win_set_cursor(0, { diag.lnum + 1, diag.col })
vim.lsp.buf.code_action({
  apply = true,
  context = { only = { 'quickfix' }, diagnostics = { diag.user_data.lsp } },
  filter = function(action)
    local fixes_rule = vim.iter(action.diagnostics or {}):any(function(d) return d.code == rule end)
    if wanted then
      return fixes_rule and action.title:find(wanted, 1, true) ~= nil
    end
    return action.isPreferred == true and fixes_rule
  end,
})
result.fixed = vim.wait(15000, function() return #rule_diags() == 0 end, 50)
result.changed = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n') ~= before
finish()
