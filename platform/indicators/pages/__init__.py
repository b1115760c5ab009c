"""Server-rendered pages of the performance core.

Views parse, authorise and call the services and selectors; the rules live there. Every page
works without JavaScript; `static/indicators/value-check.js` only adds inline validation.
"""
