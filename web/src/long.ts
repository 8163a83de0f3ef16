// Long values in tables: a cell whose text is cut (CSS .grid td) shows the whole
// text as its tooltip, and a click on it opens it in place (and closes it again).
// One listener on the document serves every table of every page.
function cut(cell: HTMLElement): boolean {
    return cell.scrollWidth > cell.clientWidth + 1;
}

export function watchLongValues(): void {
    document.addEventListener('mouseover', (event) => {
        const cell = (event.target as HTMLElement | null)?.closest?.('table.grid td') as HTMLElement | null;
        if (!cell || cell.classList.contains('opened')) return;
        const isCut = cut(cell);
        cell.classList.toggle('cut', isCut);
        if (isCut && !cell.title) cell.title = cell.innerText.trim();
    });
    document.addEventListener('click', (event) => {
        const target = event.target as HTMLElement | null;
        if (target?.closest('a,button,input,select,textarea,label')) return;
        const cell = target?.closest?.('table.grid td') as HTMLElement | null;
        if (!cell) return;
        if (cell.classList.contains('opened')) {
            cell.classList.remove('opened');
        } else if (cut(cell)) {
            cell.classList.add('opened');
            event.stopPropagation();
        }
    }, true);
}
