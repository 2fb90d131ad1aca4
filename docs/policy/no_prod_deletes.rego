# keysync policy: no deletes in prod-* sets from CI.
#
# Input: the JSON plan of `keysync plan --json` (the `terraform show -json` shape).
# Run:   keysync plan --json > plan.json && conftest test plan.json -p docs/policy
#    or: opa eval -f pretty -i plan.json -d docs/policy 'data.main.deny'
#
# "delete" in change.actions covers a delete (["delete"]) and both replaces
# (["delete","create"], ["create","delete"]): a replace destroys the old key material too.
# The same rule in TypeScript, run by keysync's tests: test/unit/policy/policies.ts.
package main

import rego.v1

key_types := {"ory_json_web_key", "ory_json_web_key_set"}

deny contains msg if {
	some rc in input.resource_changes
	rc.type in key_types
	"delete" in rc.change.actions
	startswith(rc.set, "prod-")
	msg := sprintf("%s: CI may not delete key material in the prod-* set %s (actions: %s); apply it by hand after review", [rc.address, rc.set, concat(",", rc.change.actions)])
}
