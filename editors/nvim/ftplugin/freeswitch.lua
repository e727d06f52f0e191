-- FreeSWITCH dialplans are XML: keep XML highlighting and comments.
vim.bo.syntax = 'xml'
vim.bo.commentstring = '<!-- %s -->'
