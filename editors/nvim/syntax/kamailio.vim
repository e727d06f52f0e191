" Vim syntax file
" Language:    Kamailio routing script (kamailio.cfg); OpenSIPS builds on it (syntax/opensips.vim)
" Maintainer:  sip-lsp (editors/nvim)
" Groups are named kamailio*; each links to a standard group, so any colour scheme shows them.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match
syn sync fromstart

" #!define and friends; #!KAMAILIO/#!SER/#!OPENSIPS on the first line; !! is Kamailio's alias.
syn match kamailioPreProc /^\s*\%(#!\|!!\)\%(KAMAILIO\|SER\|OPENSIPS\|MAXCOMPAT\|ALL\)\>.*$/
syn match kamailioPreProc /^\s*\%(#!\|!!\)\%(define\|ifdef\|ifndef\|ifexp\|else\|endif\|trydef\|redefine\|subst\|substdef\|substdefs\|defenv\|defenvs\|trydefenv\|trydefenvs\|include_file\|import_file\)\>.*$/ contains=kamailioString

" Comments: '#' (not '#!'), '//' and /* */.
syn keyword kamailioTodo TODO FIXME XXX NOTE contained
syn match kamailioComment /#\%(!\)\@!.*$/ contains=kamailioTodo,@Spell
syn match kamailioComment +//.*$+ contains=kamailioTodo,@Spell
syn region kamailioComment start=+/\*+ end=+\*/+ contains=kamailioTodo,@Spell

" Routing blocks and their names: failure_route[CARRIER_FAILOVER], event_route[tm:local-request].
syn keyword kamailioRoute request_route route failure_route branch_route branch_failure_route
      \ onreply_route reply_route onsend_route event_route
syn match kamailioRouteName /\%(\<\%(\h\w*_\)\?route\s*\[\s*\)\@40<=[^\]]\{-1,}\ze\s*\]/
" route(RELAY): a call of a named route.
syn match kamailioRouteName /\%(\<route\s*(\s*\)\@20<=\h\w*\ze\s*)/

syn keyword kamailioStatement if else switch case default break while return exit drop
syn keyword kamailioOperator and or not
syn match kamailioOperator /==\|!=\|=\~\|!\~\|<=\|>=\|&&\|||\|[<>!]/
syn keyword kamailioDirective loadmodule loadmodulex loadpath mpath modparam modparamx
      \ include_file import_file
syn keyword kamailioBuiltin myself method uri status src_ip dst_ip src_port dst_port proto af
      \ from_uri to_uri snd_ip snd_port to_ip to_port
syn keyword kamailioBoolean yes no true false on off enable disable

" Pseudo-variables: $rs, $T_reply_code, $var(x), $avp(s:x), $(ru{s.len}).
syn match kamailioVariable /\$\%(\w\+\%((\%([^()]\|([^()]*)\)*)\)\?\|(\%([^()]\|([^()]*)\)*)\)/

syn match kamailioNumber /\<\d\+\>/
syn match kamailioNumber /\<0x\x\+\>/
" A response code alone or in a status pattern: "404", "^(408|503|604)$", "6[0-9][0-9]".
syn match kamailioCode /\%(["|(^]\)\@1<=[1-6]\%(\d\|\[0-9\]\|x\)\{2}\%([|)$"]\)\@=/ contained

syn match kamailioEscape /\\./ contained
syn region kamailioString start=/"/ skip=/\\./ end=/"/ contains=kamailioEscape,kamailioVariable,kamailioCode
syn region kamailioString start=/'/ skip=/\\./ end=/'/ contains=kamailioEscape

syn match kamailioFunction /\<\h\w*\ze\s*(/

hi def link kamailioPreProc     PreProc
hi def link kamailioTodo        Todo
hi def link kamailioComment     Comment
hi def link kamailioRoute       Structure
hi def link kamailioRouteName   Function
hi def link kamailioStatement   Statement
hi def link kamailioOperator    Operator
hi def link kamailioDirective   Include
hi def link kamailioBuiltin     Keyword
hi def link kamailioBoolean     Boolean
hi def link kamailioVariable    Identifier
hi def link kamailioNumber      Number
hi def link kamailioCode        Number
hi def link kamailioEscape      SpecialChar
hi def link kamailioString      String
hi def link kamailioFunction    Function

let b:current_syntax = 'kamailio'

let &cpo = s:cpo_save
unlet s:cpo_save
