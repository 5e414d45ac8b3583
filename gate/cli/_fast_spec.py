"""What ``_fast.py`` knows of the commands it parses without typer. Written by
``python -m gate.cli._fast_build`` from the typer commands: do not edit."""

from typing import Any

_PARAMS_0: tuple[dict[str, Any], ...] = (
    {'name': 'paths', 'argument': True, 'opts': ('paths',), 'off': (), 'flag': False, 'multiple': False, 'required': True, 'default': None, 'envvar': (), 'callback': False, 'type': 'path', 'path': (True, True, False, True, False, False)},
    {'name': 'rules_dir', 'argument': False, 'opts': ('--rules',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'path', 'path': (False, True, False, True, False, False)},
    {'name': 'policies', 'argument': False, 'opts': ('--policies',), 'off': (), 'flag': False, 'multiple': True, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'path', 'path': (False, True, False, True, False, False)},
    {'name': 'formats', 'argument': False, 'opts': ('--output', '-o', '--format', '-f'), 'off': (), 'flag': False, 'multiple': True, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'format', 'choices': ('text', 'json', 'sarif', 'junit', 'github', 'markdown')},
    {'name': 'output_files', 'argument': False, 'opts': ('--output-file',), 'off': (), 'flag': False, 'multiple': True, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'str'},
    {'name': 'quiet', 'argument': False, 'opts': ('--quiet',), 'off': (), 'flag': True, 'multiple': False, 'required': False, 'default': False, 'envvar': (), 'callback': False, 'type': 'bool'},
    {'name': 'compact', 'argument': False, 'opts': ('--compact',), 'off': (), 'flag': True, 'multiple': False, 'required': False, 'default': False, 'envvar': (), 'callback': False, 'type': 'bool'},
    {'name': 'soft_fail', 'argument': False, 'opts': ('--soft-fail',), 'off': (), 'flag': True, 'multiple': False, 'required': False, 'default': False, 'envvar': (), 'callback': False, 'type': 'bool'},
    {'name': 'check_ids', 'argument': False, 'opts': ('--check',), 'off': (), 'flag': False, 'multiple': True, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'str'},
    {'name': 'skip_ids', 'argument': False, 'opts': ('--skip-check',), 'off': (), 'flag': False, 'multiple': True, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'str'},
    {'name': 'override', 'argument': False, 'opts': ('--override',), 'off': (), 'flag': False, 'multiple': True, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'str'},
    {'name': 'reason', 'argument': False, 'opts': ('--reason',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'str'},
    {'name': 'override_by', 'argument': False, 'opts': ('--override-by',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'str'},
    {'name': 'source_dir', 'argument': False, 'opts': ('--source-dir',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'path', 'path': (False, True, False, True, False, False)},
    {'name': 'path_base', 'argument': False, 'opts': ('--path-base',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'path', 'path': (False, True, False, True, False, False)},
    {'name': 'decision_log', 'argument': False, 'opts': ('--decision-log',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'path', 'path': (True, False, False, True, False, False)},
    {'name': 'decision_log_url', 'argument': False, 'opts': ('--decision-log-url',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'str'},
    {'name': 'decision_log_required', 'argument': False, 'opts': ('--decision-log-required',), 'off': (), 'flag': True, 'multiple': False, 'required': False, 'default': False, 'envvar': (), 'callback': False, 'type': 'bool'},
    {'name': 'decision_log_input', 'argument': False, 'opts': ('--decision-log-input',), 'off': (), 'flag': True, 'multiple': False, 'required': False, 'default': False, 'envvar': (), 'callback': False, 'type': 'bool'},
    {'name': 'decision_log_timeout', 'argument': False, 'opts': ('--decision-log-timeout',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': 5.0, 'envvar': (), 'callback': False, 'type': 'float', 'range': (0.1, None, False, False)},
    {'name': 'kind', 'argument': False, 'opts': ('--kind',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'enum', 'choices': ('tfplan', 'hcl', 'cfn'), 'enum': 'gate.model:InputKind'},
    {'name': 'dump_input', 'argument': False, 'opts': ('--dump-input',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'path', 'path': (True, False, False, True, False, False)},
    {'name': 'today', 'argument': False, 'opts': ('--today',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': ('FINOPS_GATE_TODAY',), 'callback': False, 'type': 'str'},
    {'name': 'color', 'argument': False, 'opts': ('--color',), 'off': ('--no-color',), 'flag': True, 'multiple': False, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'bool'},
    {'name': 'plan_id', 'argument': False, 'opts': ('--plan-id',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': ('FINOPS_GATE_PLAN_ID',), 'callback': False, 'type': 'str'},
    {'name': 'plans_dir', 'argument': False, 'opts': ('--plans',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': ('path', 'plans'), 'envvar': (), 'callback': False, 'type': 'path', 'path': (False, True, False, True, False, False)},
    {'name': 'trusted', 'argument': False, 'opts': ('--trusted-ref',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': ('FINOPS_GATE_TRUSTED_REF',), 'callback': False, 'type': 'str'},
    {'name': 'plans_ref', 'argument': False, 'opts': ('--plans-ref',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': ('FINOPS_GATE_PLANS_REF',), 'callback': False, 'type': 'str'},
    {'name': 'budgets', 'argument': False, 'opts': ('--budgets',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': ('enum', 'rules'), 'envvar': (), 'callback': False, 'type': 'enum', 'choices': ('rules', 'aws'), 'enum': 'gate.budget:BudgetSource'},
    {'name': 'prices', 'argument': False, 'opts': ('--prices',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': ('FINOPS_GATE_PRICES',), 'callback': False, 'type': 'path', 'path': (True, False, False, True, False, False)},
    {'name': 'usage_file', 'argument': False, 'opts': ('--usage-file',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'path', 'path': (True, False, False, True, False, False)},
    {'name': 'cost_file', 'argument': False, 'opts': ('--cost-file',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'path', 'path': (True, False, False, True, False, False)},
    {'name': 'region', 'argument': False, 'opts': ('--region',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'str'},
    {'name': 'parameter', 'argument': False, 'opts': ('--parameter',), 'off': (), 'flag': False, 'multiple': True, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'str'},
    {'name': 'parameters_file', 'argument': False, 'opts': ('--parameters-file',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'path', 'path': (True, False, False, True, False, False)},
    {'name': 'stack_tag', 'argument': False, 'opts': ('--stack-tag',), 'off': (), 'flag': False, 'multiple': True, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'str'},
    {'name': 'stack_tags_file', 'argument': False, 'opts': ('--stack-tags-file',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'path', 'path': (True, False, False, True, False, False)},
    {'name': 'stack_name', 'argument': False, 'opts': ('--stack-name',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'str'},
    {'name': 'var', 'argument': False, 'opts': ('--var',), 'off': (), 'flag': False, 'multiple': True, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'str'},
    {'name': 'var_file', 'argument': False, 'opts': ('--var-file',), 'off': (), 'flag': False, 'multiple': True, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'path', 'path': (True, False, False, True, False, False)},
    {'name': 'opa_url', 'argument': False, 'opts': ('--opa-url',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': ('FINOPS_GATE_OPA_URL',), 'callback': False, 'type': 'str'},
    {'name': 'opa_token', 'argument': False, 'opts': ('--opa-token',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': ('FINOPS_GATE_OPA_TOKEN',), 'callback': False, 'type': 'str'},
    {'name': 'opa_timeout', 'argument': False, 'opts': ('--opa-timeout',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': 10.0, 'envvar': (), 'callback': False, 'type': 'float', 'range': (0.1, None, False, False)},
    {'name': 'opa_ca_bundle', 'argument': False, 'opts': ('--opa-ca-bundle',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'path', 'path': (True, False, True, True, False, False)},
    {'name': 'opa_push_rules', 'argument': False, 'opts': ('--opa-push-rules',), 'off': (), 'flag': True, 'multiple': False, 'required': False, 'default': False, 'envvar': (), 'callback': False, 'type': 'bool'},
    {'name': 'debug', 'argument': False, 'opts': ('--debug',), 'off': (), 'flag': True, 'multiple': False, 'required': False, 'default': False, 'envvar': (), 'callback': True, 'type': 'bool'},
)

_PARAMS_1: tuple[dict[str, Any], ...] = (
    {'name': 'files', 'argument': True, 'opts': ('files',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'path', 'path': (True, True, False, True, False, False)},
    {'name': 'rules_dir', 'argument': False, 'opts': ('--rules',), 'off': (), 'flag': False, 'multiple': False, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'path', 'path': (False, True, False, True, False, False)},
    {'name': 'policies', 'argument': False, 'opts': ('--policies',), 'off': (), 'flag': False, 'multiple': True, 'required': False, 'default': None, 'envvar': (), 'callback': False, 'type': 'path', 'path': (False, True, False, True, False, False)},
    {'name': 'debug', 'argument': False, 'opts': ('--debug',), 'off': (), 'flag': True, 'multiple': False, 'required': False, 'default': False, 'envvar': (), 'callback': True, 'type': 'bool'},
)

COMMANDS: dict[tuple[str, ...], dict[str, Any]] = {
    ('check',): {'runner': 'gate.cli._check_run:run', 'params': _PARAMS_0},
    ('hook', 'terraform'): {'runner': 'gate.cli._hook_run:terraform', 'params': _PARAMS_1},
    ('hook', 'cloudformation'): {'runner': 'gate.cli._hook_run:cloudformation', 'params': _PARAMS_1},
}
