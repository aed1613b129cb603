{#
    What staging checks in every raw item, so that no value the extractor accepted can fail a
    build. The raw tables stay as landed (append-only); staging keeps every row and says
    what is wrong with it:

    - `is_rejected`: the row is left out of the marts, because the item is not a JSON object,
      has no id, or was captured more than var('max_capture_ahead_minutes') after the build's
      clock (a `Date` header that cannot be true; see extract/README.md, "Capture time").
    - `problem`: every problem found, '; '-separated (NULL when none): the rejection, and the
      values that could not be read (NULL in their column, the rest of the row is kept).

    An id repeated within a page is not a row-level check: it would take a window over each
    page, which makes the view a barrier the planner cannot see through (every reader would
    sort whole raw items, a full refresh all of them). The staging key tests warn about it,
    naming the id, run and page, and the marts keep the first copy (their deduplication
    orders by item_index).

    A staging model reads the JSON values it needs as text, with
    `{{ item_columns(<the id's expression>) }}`, in one CTE; parses those texts in the next;
    then adds `{{ item_rejection('<id column>', 'id') }}` and `{{ problems([...]) }}`.
#}

{#- The raw row's page and place in it; the JSON type of an item without an id (only those
    can be other than objects, and reading the type costs a pass over the whole item). -#}
{% macro item_columns(key) -%}
    run_id,
    captured_at,
    request_key,
    page_token,
    item_index,
    case when {{ key }} is null then {{ json_type('item') }} end as type_of_item_without_id
{%- endmacro %}
