"""The portal's languages: request and CLI language, the API's Accept-Language middleware,
translated CLI help, the names of the portal's types, display names, and the messages of
other packages that the extension's catalogue translates."""
