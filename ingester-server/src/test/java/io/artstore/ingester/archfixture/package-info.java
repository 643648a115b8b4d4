/**
 * Fixtures for the architecture rules, laid out like the ingester under a root of their own: compliant
 * classes, plus one class per rule that breaks it (named for what it does wrong). Test sources only.
 */
package io.artstore.ingester.archfixture;
