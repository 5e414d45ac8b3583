# F2: an invalid escape in a module's source string. `check` reads the source as it is
# written and notes the module as not followed; `fix` unescapes it with
# gate.sources._hcl_eval._unescape, whose EvalError (not a GateError) escapes
# gate/fix/hcl.py (_string_text, via _module_call) as an internal error.
module "app" {
  source = "\."
}

resource "aws_s3_bucket" "b" {
  tags = { team = "sre" }
}
