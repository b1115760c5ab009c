"""Single sign-on: the organisation's configuration, secrets at rest, the OpenID Connect
relying party, and the one sign-in door both protocols use (`sign_in.sso_user_resolve`,
called by `pages.sso.sso_sign_in`)."""
