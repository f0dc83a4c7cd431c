/* The source workbench: citing words selected in a source's text.
 *
 * On the source's page (the reading view), selecting words in a paragraph, or
 * a paragraph's "Cite" link, opens the citation form under that paragraph.
 * The form's read-only copy of the paragraph takes selections by mouse or by
 * Shift and the arrow keys. The key phrase is cut from the paragraph's own
 * text, so it is verbatim; a date found within it fills the reported date at
 * its precision (or, when it gives no year, starts the note). The form then
 * shows only the fields of what the words cite. Without this script, each
 * "Cite" link opens the same form on its own page.
 */
'use strict';
document.addEventListener('DOMContentLoaded', () => {
    const form = document.querySelector('form.wb-cite');
    if (!form) {
        return;
    }
    const panel = document.getElementById('cite-panel');
    const source = form.querySelector('.wb-source-text');
    const field = (name) => form.elements[name];
    const hint = form.querySelector('.wb-date-hint');
    let current = null; // the paragraph number the in-page form is for
    let filled = {}; // the values this script last put into date fields

    function setFilled(name, value) {
        const input = field(name);
        if (input.value === '' || input.value === filled[name]) {
            input.value = value;
            filled[name] = value;
        }
    }

    function datesOf(number) {
        const scope = panel ? document.getElementById('p-' + number) : form;
        return Array.from(scope.querySelectorAll('.wb-date')).map((item) => ({
            start: Number(item.dataset.start),
            end: Number(item.dataset.end),
            iso: item.dataset.iso,
            precision: item.dataset.precision,
            text: item.dataset.text,
            note: item.dataset.note,
        }));
    }

    function fillDate(number, start, end) {
        const found = datesOf(number).find((date) => start <= date.start && date.end <= end);
        if (!found) {
            setFilled('reported_date', '');
            setFilled('date', '');
            hint.textContent = 'No date in the selected words.';
        } else if (found.iso.startsWith('--')) {
            setFilled('reported_date', '');
            setFilled('date', '');
            setFilled('note', found.note);
            hint.textContent = '“' + found.text + '” gives no year: type the date with its ' +
                'year, and say in the note how you know it.';
        } else {
            setFilled('reported_date', found.iso);
            setFilled('date', found.iso);
            hint.textContent = 'The date from “' + found.text + '”: ' + found.iso +
                ', a ' + found.precision + '.';
        }
    }

    function trimmed(text, start, end) {
        while (start < end && /\s/.test(text[start])) {
            start++;
        }
        while (end > start && /\s/.test(text[end - 1])) {
            end--;
        }
        return [start, end];
    }

    function choose(text, start, end) {
        [start, end] = trimmed(text, start, end);
        if (start >= end) {
            return;
        }
        field('key_phrase').value = text.slice(start, end);
        fillDate(Number(field('paragraph').value), start, end);
    }

    function showTargets() {
        const chosen = form.querySelector('input[name="target"]:checked');
        form.querySelectorAll('.wb-for').forEach((group) => {
            group.hidden = !(chosen && group.classList.contains('wb-for-' + chosen.value));
        });
    }

    function open(number, start, end) {
        const item = document.getElementById('p-' + number);
        const text = item.querySelector('.wb-text').textContent;
        if (current !== number) {
            field('key_phrase').value = '';
        }
        current = number;
        field('paragraph').value = number;
        form.querySelectorAll('.wb-cite-number').forEach((span) => {
            span.textContent = number;
        });
        source.value = text;
        item.appendChild(panel);
        panel.hidden = false;
        if (start < end) {
            choose(text, start, end);
            source.setSelectionRange(start, end);
            field('key_phrase').focus();
        } else {
            hint.textContent = '';
            source.focus();
            source.setSelectionRange(0, 0);
        }
    }

    function close() {
        panel.hidden = true;
        const link = document.querySelector('.wb-cite-link[data-paragraph="' + current + '"]');
        if (link) {
            link.focus();
        }
    }

    // Words selected in the page's text of a paragraph.
    function selectedInText() {
        const selection = window.getSelection();
        if (!selection || selection.isCollapsed || !selection.rangeCount) {
            return null;
        }
        const range = selection.getRangeAt(0);
        const start = range.startContainer.parentElement.closest('.wb-text');
        const end = range.endContainer.parentElement &&
            range.endContainer.parentElement.closest('.wb-text');
        if (!start || start !== end) {
            return null;
        }
        const before = document.createRange();
        before.selectNodeContents(start);
        before.setEnd(range.startContainer, range.startOffset);
        const from = before.toString().length;
        return [Number(start.dataset.paragraph), from, from + range.toString().length];
    }

    function fromPage() {
        const selected = selectedInText();
        if (selected) {
            open(...selected);
        }
    }

    function fromCopy() {
        choose(source.value, source.selectionStart, source.selectionEnd);
    }

    if (panel) {
        document.addEventListener('mouseup', (event) => {
            if (!panel.contains(event.target)) {
                fromPage();
            }
        });
        document.addEventListener('keyup', (event) => {
            if (event.shiftKey && !panel.contains(event.target)) {
                fromPage();
            }
        });
        document.querySelectorAll('.wb-cite-link').forEach((link) => {
            link.addEventListener('click', (event) => {
                event.preventDefault();
                open(Number(link.dataset.paragraph), 0, 0);
            });
        });
        form.querySelector('.wb-cite-close').addEventListener('click', close);
        panel.addEventListener('keydown', (event) => {
            if (event.key === 'Escape') {
                close();
            }
        });
    }
    // Chromium moves no caret in a read-only text area, so Shift and the arrow
    // keys could not select in it: it takes the caret, and refuses every edit.
    source.readOnly = false;
    source.setAttribute('aria-readonly', 'true');
    source.addEventListener('beforeinput', (event) => event.preventDefault());
    source.addEventListener('select', fromCopy);
    source.addEventListener('keyup', fromCopy);
    source.addEventListener('mouseup', fromCopy);
    form.querySelectorAll('input[name="target"]').forEach((radio) => {
        radio.addEventListener('change', showTargets);
    });
    showTargets();

    // select2's box is a text box with no name; name it after the field's label,
    // once the admin has set the boxes up (its jQuery ready handler runs first).
    function nameAutocompletes() {
        form.querySelectorAll('select.admin-autocomplete').forEach((select) => {
            const label = form.querySelector('label[for="' + select.id + '"]');
            const box = select.parentElement.querySelector('.select2-selection__rendered');
            if (label && box) {
                box.setAttribute('aria-label', label.textContent.replace(/:$/, ''));
            }
        });
    }
    if (window.django && window.django.jQuery) {
        window.django.jQuery(nameAutocompletes);
    }

    // "Jump to paragraph" without a page load.
    const jump = document.querySelector('form.wb-jump');
    if (jump) {
        jump.addEventListener('submit', (event) => {
            const number = Number(jump.elements.paragraph.value);
            const target = document.getElementById('p-' + number);
            if (target) {
                event.preventDefault();
                window.location.hash = 'p-' + number;
                target.setAttribute('tabindex', '-1');
                target.focus();
            }
        });
    }
});
