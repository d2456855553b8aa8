{%- set p = project() -%}
"""{{ p.name }}: the code that the bundle's jobs run."""
