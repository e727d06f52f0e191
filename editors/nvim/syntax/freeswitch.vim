" Vim syntax file
" Language:    FreeSWITCH XML dialplan
" Maintainer:  sip-lsp (editors/nvim)
" XML highlighting plus the dialplan's own words: the elements, application names,
" ${channel_variables}, hangup causes and the response code of `respond`.

if exists('b:current_syntax')
  finish
endif

runtime! syntax/xml.vim
unlet! b:current_syntax

syn case match

" <context>, <extension>, <condition>, <action>, <anti-action>, <regex>.
syn match freeswitchElement /\%(<\/\?\)\@2<=\%(context\|extension\|condition\|anti-action\|action\|regex\)\>/
      \ contained containedin=xmlTag,xmlEndTag

" application="bridge": the value of the application attribute.
syn match freeswitchApplication /\%(\<application\s*=\s*["']\)\@30<=[[:alnum:]_-]\+/
      \ contained containedin=xmlString

syn match freeswitchVariable /\${[^}]*}/ contained containedin=xmlString
syn match freeswitchVariable /\$\d\+/ contained containedin=xmlString
" NORMAL_CLEARING, USER_BUSY, NO_ROUTE_DESTINATION …
syn match freeswitchCause /\<[A-Z][A-Z0-9]*\%(_[A-Z0-9]\+\)\+\>/ contained containedin=xmlString
" data="604 Does Not Exist Anywhere" (respond), a code at the start of an attribute value.
syn match freeswitchCode /\%(["']\)\@1<=[1-6]\d\d\>/ contained containedin=xmlString

hi def link freeswitchElement     Statement
hi def link freeswitchApplication Function
hi def link freeswitchVariable    Identifier
hi def link freeswitchCause       Constant
hi def link freeswitchCode        Number

let b:current_syntax = 'freeswitch'
