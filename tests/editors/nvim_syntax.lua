-- Reports the syntax group under pieces of text: for each probe {text, nth} the group of the
-- first character of the nth occurrence (1-based) of text in the buffer, and its link target,
-- in the order of the probes (null: text not found).
-- Env: SIP_OUT (result JSON path), SIP_PROBES (JSON list of {text, nth}).
local out = os.getenv('SIP_OUT')
local probes = vim.json.decode(os.getenv('SIP_PROBES'))
local result = { filetype = vim.bo.filetype, syntax = vim.b.current_syntax, groups = {} }
result.errmsg = vim.v.errmsg ~= '' and vim.v.errmsg or nil

local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
for _, probe in ipairs(probes) do
  local text, nth = probe[1], probe[2] or 1
  local seen, group = 0, vim.NIL
  for lnum, line in ipairs(lines) do
    local from = 1
    while group == vim.NIL do
      local col = line:find(text, from, true)
      if not col then break end
      seen = seen + 1
      if seen == nth then
        local id = vim.fn.synID(lnum, col, 1)
        group = { name = vim.fn.synIDattr(id, 'name'), linked = vim.fn.synIDattr(vim.fn.synIDtrans(id), 'name') }
      end
      from = col + 1
    end
  end
  table.insert(result.groups, group)
end

local fh = assert(io.open(out, 'w'))
fh:write(vim.json.encode(result))
fh:close()
vim.cmd('qa!')
