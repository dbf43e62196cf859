"""The test provider's claims: the standard ones from the user, and the rest (oid, roles, units)
from PROVIDER_DIR/claims.json, read on every request so a test can change them between sign-ins."""

import json
import os
from pathlib import Path

from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "oid": "openid",
        "roles": "openid",
        "units": "openid",
    }

    def get_additional_claims(self, request):
        user = request.user
        extra = json.loads((Path(os.environ["PROVIDER_DIR"]) / "claims.json").read_text()).get(user.username, {})
        return {
            "email": user.email,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "name": user.get_full_name(),
            **extra,
        }
