"""Messages that other packages show on the portal's pages and API answers but whose Spanish
catalogues lack or get wrong: ckanext-scheming and ckanext-harvest ship no Spanish at all, and
CKAN core's Spanish catalogue is incomplete. Listing them here makes `make i18n` extract them
into the extension's catalogue. CKAN merges every ITranslation plugin's catalogue over its own
(flask-babel merges the directories in turn, a later one replacing the same msgid, and
ITranslation plugins come in reverse `ckan.plugins` order), so a message translated here fills
a gap in core's catalogue and also replaces core's own translation of it.

Nothing calls this module; the messages are only marked (``N_``, ``N_plural``), never
translated here. `tests/language/test_pages_spanish.py` walks the pages they appear on.
"""
from __future__ import annotations

from ckanext.ogpcatalog.language import N_, N_plural


SCHEMING_MESSAGES = (
    N_('unexpected choice "%s"'),
    N_("expecting list of strings"),
    N_("Select at least one"),
    N_("Date format incorrect"),
    N_("Time format incorrect"),
    N_("Date is required when a time is provided"),
    N_("Invalid JSON string: {}"),
    N_("Invalid JSON object: {}"),
    N_("invalid type for repeating text: %r"),
    N_('invalid encoding for "%s" value'),
    N_("Remove"),
    N_("Add"),
    N_("These fields have been removed, click update below to save your changes."),
    N_("These fields have been removed."),
)

# CKAN core: messages of the search, dataset, resource, organization, action-plan and login
# pages that core's Spanish catalogue leaves in English or gets wrong ("Actrulizar",
# "Otra (Public Domain)"). Placeholders in braces are kept as core formats them.
CKAN_CORE_MESSAGES = (
    N_("Publish"),
    N_("Navigate to Home - {site_title}"),
    N_("API Docs"),
    N_("Filter by: {title}"),
    N_("Search datasets by {name}: {label}"),
    N_("Remove applied filter: {value}"),
    N_("Search datasets with the tag: {name}"),
    N_("Search datasets with the tag: {tag}"),
    N_("Navigate to resource: {name}"),
    N_("Navigate to resource: {name_or_id}"),
    N_("Manage resource: {name}"),
    N_("Current resource: {name}"),
    N_("Resource URL: {url}"),
    N_("Open details page for {name}"),
    N_plural("{num} Member", "{num} Members"),
    N_("No organization"),
    N_("close"),
    # core names a dataset type by its machine name in the breadcrumb of its form
    # (`_(dataset_type.title())`), and a dataset's state by its code (`_(pkg.state)`)
    N_("Procurement"),
    N_("active"),
    N_("draft"),
    N_("deleted"),
    N_("Update {object_type}"),
    N_("Other (Public Domain)"),
    # the action API's answers to refused and missing objects (ckan/views/api.py): core's es
    # lacks them, so "Access denied:" preceded the Spanish reason
    N_("Access denied: %s"),
    N_("Access denied"),
    N_("Not found: %s"),
    N_("Not found"),
    # ckan/lib/search/query.py's reasons for refusing a search (the API's "Search Query Error")
    N_('Invalid "sort" parameter'),
    # The resource page's "Additional information" table names a resource's remaining
    # fields by key (templates/scheming/package/resource_read.html translates them).
    N_("Id"),
    N_("Package id"),
    N_("State"),
    N_("Position"),
    N_("Mimetype"),
    N_("Mimetype inner"),
    N_("Has views"),
    N_("Url type"),
    N_("Datastore active"),
    N_("Cache url"),
    N_("Cache last updated"),
    N_("Resource type"),
    N_("Hash"),
    N_("Size"),
    N_("True"),
    N_("False"),
    # core builds the search result count of a group type from its name (action-plan)
    N_plural('{number} action-plan found for "{query}"', '{number} action-plans found for "{query}"'),
    N_('No action-plans found for "{query}"'),
    N_plural("{number} action-plan found", "{number} action-plans found"),
    N_("No action-plans found"),
    # core's Spanish that addresses the visitor as "tú"/"vos" or says something else; the
    # portal says "usted"
    N_("Forgot your password?"),
    N_("You haven't created any datasets."),
    N_("You can use <a href=\"#markdown\" title=\"Markdown quick reference\" data-bs-toggle=\"popover\" "
       "data-bs-content=\"%(markdown_tooltip)s\" data-bs-html=\"true\">Markdown formatting</a> here"),
    N_("You can use CKAN Groups to create and manage collections of datasets. This could be to "
       "catalogue datasets for a particular project or team, or on a particular theme, or as a "
       "very simple way to help people find and search your own published datasets."),
    N_("Add Dataset"),
    N_("Upload a file on your computer"),
    N_("Dashboard"),
    N_("News feed"),
    N_("Breadcrumb"),
)

# ckanext-harvest 1.6 (no Spanish catalogue): the harvest sources list and form, and the
# titles of its facets and harvesters (translated by templates/source/search.html and the
# `harvesters_info` helper).
HARVEST_MESSAGES = (
    # The job statistics labels (source/job/list.html, snippets/job_details.html).
    N_("added"),
    N_("not modified"),
    N_("Harvest sources"),
    N_("Harvest Sources"),
    # the sysadmin area's tab (admin/base.html) and the job report's error table
    # (snippets/job_error_summary.html)
    N_("Harvest"),
    N_("Count"),
    N_("Add Harvest Source"),
    N_("Create harvest source"),
    N_("Create Harvest Source"),
    N_("Edit harvest source"),
    N_("Search harvest sources..."),
    N_("No harvests found"),
    N_('No harvests found for "{query}"'),
    N_plural("{number} harvest found", "{number} harvests found"),
    N_plural('{number} harvest found for "{query}"', '{number} harvests found for "{query}"'),
    N_("Sorry no harvest sources found"),
    N_("Harvest sources allow importing remote metadata into this catalog. Remote sources can be "
       "other catalogs such as other CKAN instances, CSW servers or Web Accessible Folders (WAF) "
       "(depending on the actual harvesters enabled for this instance)."),
    N_("This should include the http:// part of the URL"),
    N_("eg. A descriptive title"),
    N_("eg. my-dataset"),
    N_("Source type"),
    N_("Update frequency"),
    N_("Configuration"),
    N_("Save"),
    N_("Frequency"),
    N_("Type"),
    N_("Manual"),
    N_("Monthly"),
    N_("Weekly"),
    N_("Biweekly"),
    N_("Daily"),
    N_("Always"),
    # a harvest source's page, its admin page (jobs) and a job's report
    N_("There is no description for this harvest source"),
    N_("There are no datasets associated to this harvest source."),
    N_("Admin"),
    N_("Reharvest"),
    N_("Start a new harvesting job for this harvest source now"),
    N_("This will re-run the harvesting for this source. Any updates at the source will "
       "overwrite the local datasets. Sources with a large number of datasets may take a "
       "significant amount of time to finish harvesting. Please confirm you would like us to "
       "start reharvesting."),
    N_("Clear"),
    # the flash message after "Reharvest" (ckanext/harvest/utils.py)
    N_("Harvest will start shortly. Refresh this page for updates."),
    N_("Delete all harvest jobs and existing datasets from this source"),
    N_("Warning: This will remove all datasets for this source, as well as all previous job "
       "reports. Are you sure you want to continue?"),
    N_("View harvest source"),
    N_("Jobs"),
    N_("Last Harvest Job"),
    N_("View full job report"),
    N_("No jobs yet for this source"),
    N_("Details"),
    N_("Started"),
    N_("Finished"),
    N_("errors"),
    N_("Job Report"),
    N_("Back to job list"),
    N_("Error Summary"),
    N_("No errors for this job"),
    N_("Only the 20 most frequent errors are shown"),
    N_("Job Errors"),
    N_("Document Errors"),
    N_("Error Report"),
    N_("documents with errors"),
    N_("Remote content"),
    N_("Local content"),
    # ckanext-dcat's harvester, as the harvest form lists it
    N_("Generic DCAT RDF Harvester"),
    N_("Harvester for DCAT datasets from an RDF graph"),
    # the prefix of a refused source configuration (upstream/harvest_config_errors.py)
    N_("Error parsing the configuration options: %s"),
)

# ckanext-activity: the activity types of the stream's filter, and its labels.
ACTIVITY_MESSAGES = (
    N_("New Package"),
    N_("Changed Package"),
    N_("Deleted Package"),
    N_("Follow Dataset"),
    N_("New Resource View"),
    N_("Changed Resource View"),
    N_("Deleted Resource View"),
    N_("New Organization"),
    N_("Changed Organization"),
    N_("Deleted Organization"),
    N_("Follow Organization"),
    N_("New Group"),
    N_("Changed Group"),
    N_("Deleted Group"),
    N_("Follow Group"),
    N_("New User"),
    N_("Changed User"),
    N_("Follow User"),
    N_("Activity occurred on: {time}"),
    # the sysadmin area's tab and page (admin/activities.html)
    N_("Activities"),
    N_("This information is visible to you and admins"),
)

# CKAN core's JavaScript modules (confirm-action, autocomplete, image-upload, resource-reorder,
# htmx notifications): CKAN's JS catalogue (/api/i18n/es, built by `ckan translation js`) takes
# every message that ckan.pot finds in a .js file and the translation of the last catalogue
# that has it, ours included, so translating them here fills core's gaps in the browser too.
CKAN_CORE_JS_MESSAGES = (
    N_("Please Confirm"),
    N_("Notification"),
    N_("Searching..."),
    N_("Input is too short, must be at least one character"),
    N_("File"),
    N_("Hide"),
    N_("Reset"),
    N_("Please select the file to upload again"),
    N_("Failed to load data API information"),
    N_('You can rearrange the resources by dragging them using the arrow icon. Drag the resource '
       'to the right and place it to the desired location on the list. When you are done, click '
       'the "Save order" -button.'),
)

# The emails CKAN sends (ckan/templates/emails/, ckanext/activity/): core's Spanish uses "tú"
# and has no line breaks (the templates' {% trans %} blocks are trimmed); the activity digest
# has no Spanish at all. The msgids are the trimmed template texts, exactly as core's ckan.pot.
EMAIL_MESSAGES = (
    N_("Reset your password - %(site_title)s"),
    N_("Dear %(user_name)s, You have requested your password on %(site_title)s to be reset. "
       "Please click the following link to confirm this request: %(reset_link)s Have a nice "
       "day. -- Message sent by %(site_title)s (%(site_url)s)"),
    N_("Invite for %(site_title)s"),
    N_("Dear %(user_name)s, You have been invited to %(site_title)s. A user has already been "
       "created for you with the username %(user_name)s. You can change it later. You have been "
       "added to the %(group_type)s %(group_title)s with the following role: %(role_name)s. To "
       "accept this invite, please reset your password at: %(reset_link)s Have a nice day. -- "
       "Message sent by %(site_title)s (%(site_url)s)"),
    N_plural("You have {num} new activity on your {site_title} dashboard",
             "You have {num} new activities on your {site_title} dashboard"),
    N_("To view your dashboard, click on this link:"),
    N_("You can turn off these email notifications in your {site_title} preferences. To change "
       "your preferences, click on this link:"),
)

# Counts that the portal's templates now write with the visitor's number format (templates/
# organization/snippets/organization_item.html, group/snippets/group_item.html,
# organization/bulk_process.html): core's es capitalizes them or lacks them.
COUNT_MESSAGES = (
    N_plural("{num} Dataset", "{num} Datasets"),
    N_("0 Datasets"),
    N_("0 Members"),
    N_plural('%(count)s dataset found for "%(query)s".', '%(count)s datasets found for "%(query)s".'),
    N_plural("%(count)s dataset found.", "%(count)s datasets found."),
)
