/**
 * English (and romanised Chinese) personal names, and capitalised words that are never names. Given names are
 * the most common US/UK first names of the last decades (SSA and ONS top lists); surnames the most common US
 * census surnames plus the common pinyin surnames (`Zhang Wei` in an English form is still a person). Used to
 * raise the score of a capitalised candidate after a cue; a name outside the lists still counts after a strong
 * label (`Name: Xochitl Quispe`).
 */

const GIVEN = `
James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew Anthony Mark
Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary
Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick Raymond
Jack Dennis Jerry Tyler Aaron Jose Adam Nathan Henry Douglas Zachary Peter Kyle Ethan Walter Noah Jeremy Christian
Keith Roger Terry Gerald Harold Sean Austin Carl Arthur Lawrence Dylan Jesse Jordan Bryan Billy Joe Bruce Gabriel
Logan Albert Willie Alan Juan Wayne Elijah Randy Roy Vincent Ralph Eugene Russell Bobby Mason Philip Louis Liam
Oliver Lucas Leo Owen Luke Isaac Hudson Eli Max Oscar Hugo Felix Simon Martin Victor Ian Colin Neil Graham Stuart
Derek Trevor Mitchell Harry Charlie Alfie Freddie Archie Theo Mohammed Muhammad Ahmed Ali Omar Hassan Carlos Luis
Miguel Diego Antonio Marco Mario Pedro Rafael Tom Tim Jim Bob Rob Mike Dave Steve Chris Matt Dan Ben Sam Nick Tony
Andy Alex Josh Jake Will Ted Fred Ed Greg Jeff Ron Ken Rick Don Phil Pete Ray Kenny Johnny Jimmy Tommy Danny Joey
Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret Sandra Ashley
Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen
Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet
Catherine Maria Heather Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan Evelyn Judith
Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Anne Sara Madison Frances Kathryn Janice Jean
Abigail Alice Judy Sophia Grace Denise Amber Doris Marilyn Danielle Beverly Isabella Theresa Diana Natalie Brittany
Charlotte Marie Kayla Alexis Lori Ava Mia Amelia Harper Ella Chloe Lily Zoe Nora Lucy Ruby Isla Freya Jane Kate
Claire Alison Fiona Rose Eva Leah Julia Jasmine Molly Holly Ellie Sophie Jenny Wendy Tina Vivian Irene Iris Ivy
Joy Cindy Kitty Coco Kathy Katie Becky Liz Beth Jen Jess Sue Meg Annie Ellen Eleanor Caroline Louise Lucia Elena
Sofia Camila Valentina Isabel Carmen Rosa Ana Laura Paula Monica Veronica Yvonne Gina Tracy Stacy Erin Kristen
April May June August Summer Autumn Dawn Hope Faith Crystal Angel Priya Aisha Hiroshi Yuki Mei Wei Kenji Raj
Ananya Fatima Ming Hui Lan Jun Hao Yan Ying Li Na Xin Jing Takeshi Haruto Sakura Min Ji Hyun Arjun Rohan Deepak
`;

const SURNAMES = `
Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson
Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young
Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter
Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers
Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez
Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez
Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero
Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson
Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington
Kennedy Wells Vargas Henry Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez
Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox
Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn
Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight Elliott Cunningham Duncan
Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry Perkins Hoffman Johnston Matthews Pena
Richards Contreras Willis Carpenter Lawrence Sandoval Doe Roe O'Brien O'Connor O'Neill MacDonald McCarthy Murphy
Walsh Byrne Brennan Quinn Schneider Fischer Weber Becker Schulz Muller Rossi Russo Ferrari Bianchi Dubois Laurent
Bernard Moreau Lefebvre Jansen Janssen Novak Kowalski Nowak Ivanov Petrov Smirnov Tanaka Suzuki Sato Takahashi
Watanabe Yamamoto Nakamura Kobayashi Park Choi Jung Kang Cho Yoon Jang Lim Singh Kumar Sharma Gupta Khan
Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo Zheng Liang Xie Song Tang Han
Feng Deng Cao Peng Zeng Xiao Tian Dong Yuan Pan Jiang Du Cai Yu Cheng Wei Ye Lu Ding Su Ren Shen Yao Cui Zhong Tan
Wong Chan Cheung Leung Ho Lam Ng Chow Tsang Yeung Lau Kwok Tse Fung Chu Hui Tsui Chiu Ko Mak Kwan Yip Au Poon Siu
Fernandez Gonzalez Hernandez Jimenez Martinez Lopez Perez Sanchez Ramirez Gomez Diaz Munoz Alvarez Romero Navarro
Dominguez Vazquez Ortega Delgado Castro Ortiz Rubio Marin Sanz Iglesias Medina Garrido Cortes Castillo Santos
`;

const NOT_NAMES = `
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March July September October November
December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Wed Thu Fri Sat Sun Today Tomorrow Yesterday
Street St Avenue Ave Road Rd Boulevard Blvd Lane Ln Drive Court Ct Way Parkway Place Square Park Apt Suite Floor
Building Room Unit Box PO Inc LLC Ltd Corp Co Company Corporation Group Holdings Team Support Service Services
Customer Customers Client Clients Admin Administrator Administration User Users Manager Management Department Dept
Office Bank University College School Hospital Clinic Center Centre Hotel Restaurant Store Shop Market The A An
This That These Those It He She They We You I My Our Your His Her Their Its Me Him Them Us Mr Mrs Ms Miss Mx Dr
Prof Sir Madam Dear Hi Hello Hey Thanks Thank Regards Best Sincerely Cheers Yes No Not None Null Nil Unknown Test
Testing Example Sample Demo Order Invoice Receipt Account Payment Card Email Mail Phone Mobile Tel Fax Address Name
Date Time Number ID Please Note Re Fwd Subject From To Cc Bcc All Everyone Friend Friends Colleague Colleagues
Valued Patient Doctor Nurse Officer Agent Staff Member Members Guest Guests Visitor Applicant Owner Seller Buyer
Sender Recipient Holder North South East West New Old Great Big Small United States America American China
Chinese English British Europe European Asia Asian Africa London Paris Beijing Shanghai York California Texas
City State County Province Country Google Apple Microsoft Amazon Facebook Meta Twitter Tesla Android Windows Linux
Excel Word PDF API HTTP JSON SQL OK Error Warning Info Debug Status Success Failed Failure Pending Active Inactive
True False Christmas Easter Happy Good Morning Afternoon Evening Night Welcome Sorry Congratulations Attention
Urgent Important Confidential Internal External Private Public General Other Misc First Last Full Middle Given
Family Surname Nickname Username Login Password Signed Signature Approved Reviewed Contact Support Help Question
Answer Issue Ticket Case Report Summary Details Description Total Amount Price Quantity Item Product Products
`;

/** Runs of whitespace (spaces and newlines between list words), e.g. matches `\n  `. */
const WHITESPACE = /\s+/;

function words(s: string): Set<string> {
  return new Set(s.split(WHITESPACE).filter((w) => w.length > 0));
}

/**
 * Fold Latin-1 accents for list look-ups (`Fernández` → `Fernandez`, `Müller` → `Muller`). Returns `word` itself when
 * it is plain ASCII.
 */
export function foldAccents(word: string): string {
  let out = '';
  let changed = false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    const f = c >= 0xc0 && c <= 0xff ? ACCENT_FOLD[c - 0xc0]! : '';
    if (f !== '') {
      out += f;
      changed = true;
    } else out += word.charAt(i);
  }
  return changed ? out : word;
}
/** ASCII base letter of U+00C0–U+00FF (empty where there is none: `×`, `÷`, `Æ`, `ß`…). */
const ACCENT_FOLD = 'AAAAAA_CEEEEIIII_NOOOOO_OUUUUY__aaaaaa_ceeeeiiii_nooooo_ouuuuy_y'
  .split('')
  .map((c) => (c === '_' ? '' : c));

/** Common given names (title case). */
export const EN_GIVEN_NAMES: ReadonlySet<string> = words(GIVEN);
/** Common surnames (title case), including romanised Chinese ones. */
export const EN_SURNAMES: ReadonlySet<string> = words(SURNAMES);
/** Capitalised words that are not names on their own (days, months, street words, company words, pronouns…). */
export const EN_NOT_NAMES: ReadonlySet<string> = words(NOT_NAMES);
