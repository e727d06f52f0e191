-- Code lenses and :SipSimulate in a real Neovim: the lens's resolved title, then a 603 simulated
-- by the user command and by running the lens (vim.ui.input answered with SIP_STATUS).
-- Env: SIP_OUT (result JSON path), SIP_POINT (1-based line of the failover point), SIP_STATUS.
local out = os.getenv('SIP_OUT')
local result = {}
local function finish()
  local fh = assert(io.open(out, 'w'))
  fh:write(vim.json.encode(result))
  fh:close()
  vim.cmd('qa!')
end
vim.defer_fn(function() result.timeout = true; finish() end, 40000)

local bufnr = vim.api.nvim_get_current_buf()
local notes = {}
vim.notify = function(msg, level) table.insert(notes, { msg = msg, level = level }) end
vim.ui.input = function(_, on_confirm) on_confirm(os.getenv('SIP_STATUS')) end

result.attached = vim.wait(15000, function() return #vim.lsp.get_clients({ bufnr = bufnr }) > 0 end, 50)
if not result.attached then return finish() end

local function titles()
  local got = {}
  for _, lens in ipairs(vim.lsp.codelens.get(bufnr)) do
    if lens.command and lens.command.title ~= '' then
      table.insert(got, { line = lens.range.start.line, title = lens.command.title, command = lens.command.command })
    end
  end
  return got
end
vim.lsp.codelens.refresh({ bufnr = bufnr })
vim.wait(15000, function() return #titles() > 0 end, 50)
result.lenses = titles()

local point = tonumber(os.getenv('SIP_POINT'))
local function simulated(after)
  return vim.wait(15000, function()
    return #vim.fn.getqflist() > 0 or #notes > after
  end, 50)
end
local function record()
  local qf = vim.fn.getqflist({ title = 1, items = 1 })
  return {
    title = qf.title,
    items = vim.tbl_map(function(i) return { lnum = i.lnum, text = i.text } end, qf.items),
    notes = vim.deepcopy(notes),
  }
end

vim.api.nvim_win_set_cursor(0, { point, 0 })
vim.cmd('SipSimulate ' .. os.getenv('SIP_STATUS'))
simulated(0)
result.command = record()

vim.fn.setqflist({}, 'r', { items = {} })
notes = {}
vim.api.nvim_set_current_win(vim.fn.bufwinid(bufnr))
vim.api.nvim_win_set_cursor(0, { point, 0 })
vim.lsp.codelens.run()
simulated(0)
result.lens_run = record()
finish()
