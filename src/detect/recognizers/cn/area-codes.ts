/**
 * Mainland China telephone area codes (reference §2.2) with the local-number lengths each one uses.
 *
 * Two-digit codes (after the trunk `0`): 10 Beijing and 20–25, 27–29, always with 8-digit local numbers; 026 is
 * unused. Three-digit codes take 7 or 8 digits. The table was derived from libphonenumber-js 1.13.16 (`max`
 * metadata, Google libphonenumber's CN fixed-line pattern) by asking, for every code 0300–0999 and local lengths
 * 7 and 8, whether sample local numbers starting 2–9 are valid fixed-line numbers: 310 codes qualify.
 */

/** Bit for a 7-digit local number. */
export const LOCAL_7 = 1;
/** Bit for an 8-digit local number. */
export const LOCAL_8 = 2;

/** Three-digit codes (without the trunk 0) whose local numbers have 8 digits. */
const EIGHT_DIGIT: readonly string[] = [
  '311 371 377 379 411 431 432 451 510 511 512 513 514 515 516 517 518 519 523 527 531 532 551 571 573',
  '574 575 576 577 579 591 595 731 755 757 760 769 791 871 898',
];

/** Three-digit codes whose local numbers have 7 digits. */
const SEVEN_DIGIT: readonly string[] = [
  '310 312 313 314 315 316 317 318 319 335 349 350 351 352 353 354 355 356 357 358 359 370 372 373 374',
  '375 376 391 392 393 394 395 396 398 412 415 416 417 418 419 421 427 429 434 436 437 438 439 452 453',
  '454 455 456 457 458 459 464 467 468 469 470 471 472 473 474 475 476 477 478 479 482 483 530 533 534',
  '535 536 537 538 539 543 546 550 552 553 554 555 556 557 558 559 561 562 563 564 566 570 572 578 580',
  '592 593 594 596 597 598 599 631 632 633 635 660 662 663 668 691 692 701 710 711 712 713 714 715 716',
  '717 718 719 722 724 728 730 734 735 736 737 738 739 743 744 745 746 750 751 752 753 756 758 759 762',
  '763 766 768 770 771 772 773 774 775 776 777 778 779 790 792 793 794 795 796 797 798 799 812 813 816',
  '817 818 825 826 827 830 831 832 833 834 835 836 837 838 839 854 855 856 857 858 859 870 872 873 874',
  '875 876 877 878 879 883 886 887 888 891 892 893 894 895 896 897 901 902 903 906 908 909 911 912 913',
  '914 915 916 917 919 930 931 932 933 934 935 936 937 938 939 941 943 951 952 953 954 955 970 971 972',
  '973 974 975 976 977 978 979 990 991 992 993 994 995 996 997 998 999',
];

/** Three-digit codes with both lengths in use. */
const BOTH: readonly string[] = ['433 435 754 851'];

/** Two-digit codes; all take 8-digit local numbers. */
const TWO_DIGIT: readonly string[] = ['10', '20', '21', '22', '23', '24', '25', '27', '28', '29'];

/** Local-length bits by three-digit code value (0 = not an area code). */
const THREE = new Uint8Array(1000);
/** Local-length bits by two-digit code value. */
const TWO = new Uint8Array(100);
const LIST: { code: string; lengths: readonly number[] }[] = [];
for (const c of TWO_DIGIT) {
  TWO[Number(c)] = LOCAL_8;
  LIST.push({ code: `0${c}`, lengths: [8] });
}
for (const [lines, bits, lengths] of [
  [EIGHT_DIGIT, LOCAL_8, [8]],
  [SEVEN_DIGIT, LOCAL_7, [7]],
  [BOTH, LOCAL_7 | LOCAL_8, [7, 8]],
] as const) {
  for (const line of lines) {
    for (const c of line.split(' ')) {
      THREE[Number(c)] = bits;
      LIST.push({ code: `0${c}`, lengths });
    }
  }
}

/**
 * The area code whose digits (after the trunk `0`) start at `text[start]`: returns `length * 4 + bits`, where
 * `length` is 2 or 3 and `bits` the allowed local lengths ({@link LOCAL_7}, {@link LOCAL_8}); 0 when no area code
 * starts there. Two-digit codes are tried first (a `02x` number is never a three-digit code). Allocation-free.
 *
 * @example
 * areaCodeAt('010-62345678', 1) // 2 * 4 + LOCAL_8
 */
export function areaCodeAt(text: string, start: number): number {
  const a = text.charCodeAt(start) - 48;
  const b = text.charCodeAt(start + 1) - 48;
  if (!(a >= 1 && a <= 9 && b >= 0 && b <= 9)) return 0;
  const two = TWO[a * 10 + b] as number;
  if (two !== 0) return 2 * 4 + two;
  const c = text.charCodeAt(start + 2) - 48;
  if (!(c >= 0 && c <= 9)) return 0;
  const three = THREE[a * 100 + b * 10 + c] as number;
  return three === 0 ? 0 : 3 * 4 + three;
}

/**
 * Every area code with its trunk `0` (`'010'`, `'0755'`) and local lengths, for synthetic data.
 *
 * @example
 * areaCodes().find((a) => a.code === '0755')?.lengths // [8]
 */
export function areaCodes(): readonly { code: string; lengths: readonly number[] }[] {
  return LIST;
}
