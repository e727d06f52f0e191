-- Which clients attach to the buffer, and the diagnostics sip-lsp publishes there.
-- Env: SIP_OUT (result JSON path), SIP_WAIT (ms to wait for sip_lsp), SIP_RULE (a rule to wait for).
local out = os.getenv('SIP_OUT')
local wait = tonumber(os.getenv('SIP_WAIT') or '15000')
local rule = os.getenv('SIP_RULE')
local result = { filetype = vim.bo.filetype }

local function sip_clients()
  return vim.lsp.get_clients({ bufnr = 0, name = 'sip_lsp' })
end

result.attached = vim.wait(wait, function() return #sip_clients() > 0 end, 50)
if result.attached and rule then
  result.diagnosed = vim.wait(15000, function()
    return vim.iter(vim.diagnostic.get(0)):any(function(d) return d.code == rule end)
  end, 50)
end
result.clients = vim.tbl_map(function(c) return c.name end, vim.lsp.get_clients({ bufnr = 0 }))
result.inlay_enabled = vim.lsp.inlay_hint.is_enabled({ bufnr = 0 })
local fh = io.open(out, 'w')
fh:write(vim.json.encode(result))
fh:close()
vim.cmd('qa!')
