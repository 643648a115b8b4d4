/**
 * Resumable uploads (tus): the session every instance shares, with its lock inside, and its text form, so that an
 * adapter stores a session as one text value and changes it by compare-and-set on its revision.
 */
package io.artstore.ingester.core.upload;
