# bash completion for muster(1)                            -*- shell-script -*-
#
# Commands, options and their values, rpc agents and actions with their
# inputs, files for --ssh-config and -i, and host names for -w and -x from
# the Host lines of the ssh_config muster would read: --ssh-config on the
# line, else $MUSTER_SSH_CONFIG, else the ssh_config key of muster's
# config, else ~/.config/muster/ssh_config, else ~/.ssh/config.
# Works with or without the bash-completion package.

# The commands: from `muster help` when the program runs, else the list of
# this version; then muster-NAME programs on PATH (run as `muster NAME`).
_muster_commands()
{
	local prog=$1 line cmds= in=
	if [[ -n $prog ]] && type -P -- "$prog" >/dev/null 2>&1; then
		while IFS= read -r line; do
			if [[ $line == commands: ]]; then
				in=1
			elif [[ -n $in && $line =~ ^\ \ ([a-z][a-z0-9_-]*)\  ]]; then
				cmds+=" ${BASH_REMATCH[1]}"
			elif [[ -n $in ]]; then
				break
			fi
		done < <("$prog" help 2>/dev/null)
	fi
	[[ -z $cmds ]] && cmds="ping rpc shell find agents doc help"
	local c
	for c in $(compgen -c muster- 2>/dev/null); do
		c=${c#muster-}
		[[ $c == agent || -z $c ]] && continue
		cmds+=" $c"
	done
	printf '%s\n' $cmds | sort -u
}

# The agents and their actions, "AGENT ACTION..." a line: from `muster
# agents` (the agents' DDL files) when the program runs, else this version's.
_muster_agents()
{
	local prog=$1 out=
	if [[ -n $prog ]] && type -P -- "$prog" >/dev/null 2>&1; then
		out=$("$prog" agents 2>/dev/null)
	fi
	[[ -z $out ]] && out=$'rpcutil ping inventory get_fact agent_inventory\nshell run'
	printf '%s\n' "$out"
}

# The value of the last "key = value" line for key in file.
_muster_config_value()
{
	local file=$1 key=$2 line k v out=
	[[ -r $file ]] || return 1
	while IFS= read -r line || [[ -n $line ]]; do
		[[ $line =~ ^[[:space:]]*# ]] && continue
		[[ $line == *=* ]] || continue
		k=${line%%=*}
		v=${line#*=}
		k=${k//[[:space:]]/}
		[[ $k == "$key" ]] || continue
		v=${v#"${v%%[![:space:]]*}"}
		v=${v%"${v##*[![:space:]]}"}
		out=$v
	done <"$file"
	[[ -n $out ]] && printf '%s\n' "$out"
}

# The ssh_config muster would read for this command line.
_muster_ssh_config()
{
	local i w f= dir conf
	for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == --ssh-config ]]; then
			if [[ ${COMP_WORDS[i+1]} == = ]]; then
				f=${COMP_WORDS[i+2]}
			else
				f=${COMP_WORDS[i+1]}
			fi
		elif [[ $w == --ssh-config=* ]]; then
			f=${w#--ssh-config=}
		fi
	done
	if [[ -z $f && -n ${MUSTER_SSH_CONFIG-} ]]; then
		f=$MUSTER_SSH_CONFIG
	fi
	if [[ -z $f ]]; then
		if [[ ${XDG_CONFIG_HOME-} == /* ]]; then
			dir=$XDG_CONFIG_HOME/muster
		else
			dir=$HOME/.config/muster
		fi
		conf=${MUSTER_CONFIG:-$dir/config}
		f=$(_muster_config_value "$conf" ssh_config)
		if [[ -z $f && -e $dir/ssh_config ]]; then
			f=$dir/ssh_config
		fi
		[[ -z $f ]] && f=$HOME/.ssh/config
	fi
	[[ $f == "~/"* ]] && f=$HOME/${f#"~/"}
	printf '%s\n' "$f"
}

# Host names of the Host lines of an ssh_config (and of the files it
# includes), skipping patterns and negations.
_muster_ssh_hosts()
{
	local file=$1 depth=${2:-0} kw rest word inc
	[[ -r $file && $depth -le 8 ]] || return 0
	while read -r kw rest || [[ -n $kw ]]; do
		if [[ $kw == *=* ]]; then
			rest="${kw#*=} $rest"
			kw=${kw%%=*}
		fi
		rest=${rest#=}
		case ${kw,,} in
		host)
			for word in $rest; do
				[[ $word == \#* ]] && break
				case $word in
				*[*?]* | '!'*) ;;
				*) printf '%s\n' "$word" ;;
				esac
			done
			;;
		include)
			for word in $rest; do
				[[ $word == \#* ]] && break
				case $word in
				/*) ;;
				"~/"*) word=$HOME/${word#"~/"} ;;
				*) word=$HOME/.ssh/$word ;;
				esac
				for inc in $word; do
					_muster_ssh_hosts "$inc" $((depth + 1))
				done
			done
			;;
		esac
	done <"$file"
}

# Complete a -w or -x value: a comma-separated list of hosts, "-", or
# @FILE.
_muster_complete_hostlist()
{
	local cur=$1 prefix= last hosts
	if [[ $cur == @* ]]; then
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -P @ -- "${cur#@}"))
		return
	fi
	if [[ $cur == *,* ]]; then
		prefix=${cur%,*},
		last=${cur##*,}
	else
		last=$cur
	fi
	hosts=$(_muster_ssh_hosts "$(_muster_ssh_config)" | sort -u)
	compopt -o nospace 2>/dev/null
	COMPREPLY=($(compgen -P "$prefix" -W "$hosts" -- "$last"))
}

_muster()
{
	local eqpre=
	_muster_main
	# A word "--opt=val" not split at '=': give back whole words.
	if [[ -n $eqpre ]]; then
		COMPREPLY=("${COMPREPLY[@]/#/$eqpre}")
	fi
}

_muster_main()
{
	local cur prev i w cmd= cmdi=0 narg=0 ddash= prog
	local opts_arg="-w -x -i -c -t --inventory --concurrency --timeout
	    --connect-timeout --reason --ssh-config --agent-path --display
	    --color"
	local opts="-w -x -i -c -t -n -v -h -V --inventory --concurrency
	    --timeout --connect-timeout --dry-run --yes --reason --ssh-config
	    --agent-path --display --json --jsonl --senders --color --verbose
	    --help --version"

	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD-1]}
	prog=${COMP_WORDS[0]}

	# "--opt=value" may reach us split at '=' (COMP_WORDBREAKS).
	if [[ $cur == = && $prev == --* ]]; then
		cur=
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
		prev=${COMP_WORDS[COMP_CWORD-2]}
	elif [[ $cur == --*=* ]]; then
		prev=${cur%%=*}
		cur=${cur#*=}
		eqpre=$prev=
	fi

	# The command word and how many arguments it has before this word.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		[[ $w == = ]] && continue
		if [[ -z $ddash ]]; then
			if [[ $w == -- ]]; then
				ddash=1
				continue
			fi
			if [[ $w == -* && $w != - ]]; then
				case " $opts_arg " in
				*" $w "*)
					((i++))
					[[ ${COMP_WORDS[i]} == = ]] && ((i++))
					;;
				esac
				continue
			fi
		fi
		if [[ -z $cmd ]]; then
			cmd=$w
			cmdi=$i
		else
			((narg++))
			# shell's command: every word after its first is its own.
			[[ $cmd == shell ]] && ddash=1
		fi
	done

	# The value of an option.
	if [[ -z $ddash ]]; then
		case $prev in
		-w | -x)
			_muster_complete_hostlist "$cur"
			return
			;;
		-i | --inventory | --ssh-config)
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -f -- "$cur"))
			return
			;;
		--display)
			COMPREPLY=($(compgen -W "ok failed all none" -- "$cur"))
			return
			;;
		--color)
			COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
			return
			;;
		--agent-path)
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -f -- "$cur"))
			return
			;;
		-c | -t | --concurrency | --timeout | --connect-timeout | --reason)
			return
			;;
		esac
		# -wLIST, -xLIST, -iFILE in one word.
		case $cur in
		-w?* | -x?*)
			_muster_complete_hostlist "${cur:2}"
			COMPREPLY=("${COMPREPLY[@]/#/${cur:0:2}}")
			return
			;;
		-i?*)
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -f -P -i -- "${cur:2}"))
			return
			;;
		-*)
			COMPREPLY=($(compgen -W "$opts" -- "$cur"))
			return
			;;
		esac
	fi

	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$(_muster_commands "$prog")" -- "$cur"))
		return
	fi

	case $cmd in
	help)
		((narg == 0)) &&
		    COMPREPLY=($(compgen -W "$(_muster_commands "$prog")" \
			-- "$cur"))
		;;
	rpc)
		local agent=
		for ((i = cmdi + 1; i < COMP_CWORD; i++)); do
			w=${COMP_WORDS[i]}
			if [[ $w == -* && $w != - && -z $ddash ]]; then
				case " $opts_arg " in
				*" $w "*) ((i++)) ;;
				esac
				continue
			fi
			agent=$w
			break
		done
		if ((narg == 0)); then
			COMPREPLY=($(compgen -W "$(_muster_agents "$prog" |
			    cut -d" " -f1)" -- "$cur"))
		elif ((narg == 1)); then
			COMPREPLY=($(compgen -W "$(_muster_agents "$prog" |
			    awk -v a="$agent" '$1 == a { $1 = ""; print }')" \
			    -- "$cur"))
		else
			local action= inputs=
			for ((i++; i < COMP_CWORD; i++)); do
				w=${COMP_WORDS[i]}
				if [[ $w == -* && $w != - && -z $ddash ]]; then
					case " $opts_arg " in
					*" $w "*) ((i++)) ;;
					esac
					continue
				fi
				action=$w
				break
			done
			case $agent.$action in
			rpcutil.get_fact) inputs="fact=" ;;
			shell.run) inputs="command= timeout=" ;;
			esac
			if [[ $cur == fact=* && $agent.$action == rpcutil.get_fact ]]; then
				COMPREPLY=($(compgen -P fact= -W "identity hostname
				    fqdn os.family os.name os.release.full
				    os.release.major kernel architecture
				    processors.count memory.total_mb uptime_s" \
				    -- "${cur#fact=}"))
			elif [[ -n $inputs ]]; then
				compopt -o nospace 2>/dev/null
				COMPREPLY=($(compgen -W "$inputs" -- "$cur"))
			fi
		fi
		;;
	doc)
		((narg == 0)) &&
		    COMPREPLY=($(compgen -W "$(_muster_agents "$prog" |
			cut -d" " -f1)" -- "$cur"))
		;;
	shell | ping | find | agents)
		;;
	*)
		# An external muster-NAME: files are a fair guess.
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	esac
}

complete -F _muster muster
