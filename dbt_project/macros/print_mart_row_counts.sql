{#
    `dbt run-operation print_mart_row_counts`: print the row count of every mart, as a small
    table on stdout (used by `ytw summary` and at the end of `make demo`).
#}
{% macro print_mart_row_counts() %}
    {% if execute %}
        {% set lines = [] %}
        {% for node in graph.nodes.values()
            | selectattr('resource_type', 'equalto', 'model')
            | sort(attribute='name') if 'marts' in node.fqn %}
            {% set relation = adapter.get_relation(node.database, node.schema, node.alias) %}
            {% if relation is none %}
                {% do lines.append('  ' ~ (node.schema ~ '.' ~ node.alias).ljust(32) ~ 'not built yet') %}
            {% else %}
                {% set n = run_query('select count(*) from ' ~ relation).columns[0].values()[0] %}
                {% do lines.append('  ' ~ (node.schema ~ '.' ~ node.alias).ljust(32) ~ '{:>10,}'.format(n | int) ~ ' rows') %}
            {% endif %}
        {% endfor %}
        {{ print('Rows per mart:\n' ~ lines | join('\n')) }}
    {% endif %}
{% endmacro %}
