# keysync policy: a change of signing key needs the "keysync/signer-change" pull-request label.
#
# Input: the JSON plan of `keysync plan --json`. Data: the pull request's labels, e.g.
#   echo '{"pull_request":{"labels":["keysync/signer-change"]}}' > labels.json
#   conftest test plan.json -p docs/policy --data labels.json
#
# input.signers[] is keysync's addition to the Terraform shape: per set, the kid Ory signs with
# now (before) and after apply. A set's first signer (before = null) cuts nothing over.
# The same rule in TypeScript, run by keysync's tests: test/unit/policy/policies.ts.
package main

import rego.v1

signer_change_label := "keysync/signer-change"

deny contains msg if {
	some s in input.signers
	s.changes
	s.before != null
	not signer_change_approved
	msg := sprintf("%s: the signer changes from %s to %s; add the %s label to approve the cut-over", [s.set, s.before, signer_name(s.after), signer_change_label])
}

signer_name(kid) := kid if kid != null

signer_name(null) := "(none)"

signer_change_approved if signer_change_label in data.pull_request.labels
