"""A made-up population of young people in the West Midlands, as agencies write them down.

The people are invented; how they are written down is meant to look like the real thing. Each
person lives in a household at an address with a postcode in Coventry (CV1-CV7), Wolverhampton
(WV1-WV14) or Birmingham and the Black Country (B districts). Names follow the communities of the
area - White British, Irish, Pakistani, Bangladeshi, Sikh and Hindu Indian, Black Caribbean,
Black African, Somali, Arab, Kurdish and Afghan, Polish, Romanian, Lithuanian, Slovak and Czech,
Ukrainian and Bulgarian, Chinese, and mixed - and within each community a few names are very
common and most are rare, as in life (the weight of a name falls with its rank).

Every person has one record, from a school, a hospital (A&E), the police or the youth justice
service. About `duplicate_share` of all records are further records of people who already have
one, written the way a second agency writes the same person: a nickname or another spelling of
the forename, a typing slip, a double-barrelled surname written three ways, accents dropped, an
initial only, the names the wrong way round, a missing date of birth or postcode, the day and
month of birth swapped, one digit wrong, the wrong year, a house move, a new surname. The police
write in capitals; hospitals often write the surname in capitals.

The population also holds the people who make matching hard: twins (same surname, date of birth
and address, a different forename), brothers and sisters at one address, and unrelated namesakes
(two "Mohammed Khan" born the same year, living apart).

`person_id` is the truth: records of one real person share it. It is there to measure a matching
method, never to train one.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import chain, zip_longest

import numpy as np
import numpy.typing as npt
import pandas as pd

COLUMNS = (
    "record_id",
    "person_id",
    "forename",
    "surname",
    "dob",
    "postcode",
    "sex",
    "address",
    "source",
)
SOURCES = ("school", "hospital", "police", "youth_justice")

# Ages are worked out on this day, so a seed gives the same dates of birth whenever it is run.
REFERENCE_DATE = "2025-09-01"

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]


# fmt: off
# ---------------------------------------------------------------------------------------------
# Names. Each tuple is in order of how common the name is in that community, most common first.
# Surnames written "Male|Female" take the form that follows the person's sex.
# ---------------------------------------------------------------------------------------------

_WHITE_BRITISH_MALE = (
    "Jack", "Thomas", "Joshua", "James", "Daniel", "Harry", "Samuel", "Joseph", "Oliver",
    "William", "Charlie", "George", "Callum", "Luke", "Matthew", "Lewis", "Alfie", "Jacob",
    "Ethan", "Ryan", "Benjamin", "Dylan", "Liam", "Jordan", "Kyle", "Connor", "Adam", "Jake",
    "Alexander", "Tyler", "Reece", "Cameron", "Nathan", "Kieran", "Bradley", "Brandon", "Aaron",
    "Jamie", "Max", "Mason", "Riley", "Kai", "Leo", "Noah", "Logan", "Lucas", "Finley", "Archie",
    "Freddie", "Henry", "Oscar", "Louis", "Harvey", "Jayden", "Owen", "Michael", "Christopher",
    "Robert", "Ashley", "Declan", "Shane", "Corey", "Joel", "Toby", "Billy", "Frankie", "Tommy",
    "Rhys", "Jenson", "Ellis", "Charles", "Edward", "Isaac", "Harrison", "Zachary", "Elliot",
    "Sonny", "Teddy", "Theo", "Jaxon", "Ronnie", "Tommy-Lee", "Alfie-Jay", "Nicholas", "Anthony",
    "Richard", "Stephen", "Jonathan", "Aiden", "Mathew", "Jack-Henry", "Lennon", "Arthur",
    "Albie", "Reggie", "Stanley", "Ryley", "Macauley", "Brody", "Kian", "Morgan", "Dean",
)
_WHITE_BRITISH_FEMALE = (
    "Emily", "Chloe", "Jessica", "Sophie", "Megan", "Lauren", "Charlotte", "Hannah", "Olivia",
    "Ellie", "Amy", "Lucy", "Katie", "Bethany", "Holly", "Grace", "Rebecca", "Georgia",
    "Abigail", "Leah", "Amelia", "Mia", "Isabella", "Lily", "Ruby", "Evie", "Poppy", "Isla",
    "Ava", "Millie", "Jasmine", "Paige", "Courtney", "Shannon", "Jade", "Caitlin", "Molly",
    "Phoebe", "Eleanor", "Freya", "Daisy", "Scarlett", "Erin", "Niamh", "Kayleigh", "Demi",
    "Chelsea", "Danielle", "Zoe", "Natasha", "Samantha", "Victoria", "Alexandra", "Rachel",
    "Amber", "Tia", "Lacey", "Summer", "Sienna", "Harriet", "Elizabeth", "Katherine",
    "Lacey-Mae", "Lilly-Mai", "Ellie-Mae", "Tia-Rose", "Ella", "Maisie", "Tilly", "Imogen",
    "Alice", "Darcy", "Nicole", "Kelsey", "Brooke", "Keeley", "Stacey", "Jodie", "Isabelle",
    "Sarah", "Hollie", "Leanne", "Kirsty", "Gemma", "Abbie", "Layla", "Harper", "Willow",
    "Florence", "Matilda", "Esme", "Macie", "Skye", "Lola", "Hayley", "Jennifer", "Nia",
)
_WHITE_BRITISH_SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Jackson", "Wood", "Turner",
    "Martin", "Cooper", "Hill", "Ward", "Moore", "Clark", "Harrison", "Scott", "Young", "Morris",
    "King", "Baker", "Allen", "Lee", "Watson", "Morgan", "Bennett", "Carter", "Shaw", "Mitchell",
    "Phillips", "Parker", "Cook", "Bailey", "Richardson", "Wilkinson", "Griffiths", "Anderson",
    "Kelly", "Marshall", "Simpson", "Ellis", "Adams", "Price", "Mason", "Davis", "Chapman",
    "Palmer", "Stevens", "Holmes", "Rogers", "Gray", "Webb", "Lloyd", "Hunt", "Russell", "Mills",
    "Matthews", "Knight", "Powell", "Pearson", "Fisher", "Barnes", "Butler", "Dixon", "Richards",
    "Harvey", "Fletcher", "Gibson", "Howard", "Graham", "Stewart", "Lawrence", "Hudson",
    "Foster", "Owen", "Collins", "Andrews", "Spencer", "Reynolds", "Hunter", "Cole", "Stone",
    "Wells", "Dean", "Sutton", "Bates", "Jenkins", "Hart", "Fox", "Jordan", "Lane", "Barker",
    "Atkinson", "Wallace", "Burton", "Lambert", "Payne", "Pearce", "Reid", "Berry", "Ford",
    "West", "Gardner", "Day", "Grant", "Armstrong", "Rose", "Perry", "Dawson", "Stephenson",
    "Cox", "Page", "Bell", "Riley", "Woods", "Newman", "Gregory", "Hammond", "Bradley",
    "Francis", "Saunders", "Hayes", "Hooper", "Nicholls", "Whitehouse", "Bayliss", "Cartwright",
    "Guest", "Round", "Hickman", "Rudge", "Timmins", "Bissell", "Plant", "Tonks", "Dudley",
    "Jeavons", "Hingley", "Aston", "Meredith", "Pritchard", "Bloomer", "Hipkiss", "Homer",
    "Nock", "Onions", "Lowe", "Jarvis", "Hemming", "Cashmore", "Mander", "Perks", "Attwood",
    "Austin", "Bird", "Booth", "Bowen", "Bradshaw", "Brooks", "Bryant", "Bull", "Burgess",
    "Burns", "Carr", "Chambers", "Clayton", "Coleman", "Cross", "Curtis", "Daniels", "Dyer",
    "Elliott", "Farmer", "Field", "Finch", "Fowler", "Frost", "Gibbs", "Glover", "Goodwin",
    "Hale", "Hancock", "Hardy", "Harper", "Hawkins", "Haynes", "Henderson", "Hewitt", "Hicks",
    "Hodgson", "Holden", "Holt", "Hopkins", "Horton", "Houghton", "Howell", "Humphries", "Hurst",
    "Jennings", "Kemp", "Kent", "Kirby", "Knowles", "Lamb", "Lawson", "Leach", "Little", "Lucas",
    "Marsh", "May", "Miles", "Moss", "Nash", "Norris", "Norton", "Oliver", "Osborne", "Parry",
    "Parsons", "Pickering", "Poole", "Porter", "Potter", "Preston", "Rees", "Rhodes", "Rowe",
    "Sanders", "Sharp", "Sheppard", "Short", "Slater", "Steele", "Storey", "Summers", "Swift",
    "Thornton", "Tucker", "Vaughan", "Walters", "Warren", "Waters", "Watts", "Weaver", "Welch",
    "Wheeler", "Whitehead", "Wilkins", "Williamson", "Willis", "Winter", "Wyatt", "Yates",
    "Beddows", "Bagley", "Baggott", "Cadman", "Darby", "Fellows", "Hadley", "Hodgetts", "Jukes",
    "Lees", "Millward", "Nicklin", "Parkes", "Rowley", "Sidaway", "Smallwood", "Tolley",
    "Wassell", "Woodhall", "Worton", "Griffin", "Tranter", "Beech", "Foley", "Lycett",
)
# Rarer English surnames, made the way most English surnames were made: a place or a feature of
# the land and an ending ("Ash" + "worth"). They give the long tail that keeps most names rare.
_ENGLISH_SURNAME_STEMS = (
    "Ash", "Black", "Brad", "Brook", "Bur", "Cal", "Chad", "Cold", "Cran", "Dal", "Down", "East",
    "Fair", "Farn", "Fen", "Green", "Hal", "Hart", "Hay", "Heath", "Hol", "Hor", "Kings", "Lang",
    "Lock", "Mar", "Mid", "Mill", "Moor", "New", "North", "Oak", "Pen", "Pres", "Rad", "Red",
    "Roth", "Rush", "Sand", "Shel", "Stan", "Stock", "Stone", "Sut", "Thorn", "Wal", "Wat",
    "West", "Whit", "Wick", "Win", "Wood", "Brom", "Cot", "Hems", "Rams", "Bar", "Mal",
)
_ENGLISH_SURNAME_ENDINGS = (
    "ton", "ley", "field", "worth", "wood", "ford", "ham", "by", "shaw", "well", "more", "dale",
    "bury", "hurst", "land", "stead", "combe", "ridge", "hill", "gate", "cliffe", "brook",
    "croft", "wick",
)

_IRISH_MALE = (
    "Sean", "Conor", "Liam", "Patrick", "Michael", "Ciaran", "Cian", "Jack", "John", "Darragh",
    "Eoin", "Oisin", "Padraig", "Niall", "Declan", "Dara", "Ronan", "Kevin", "Shane", "Aidan",
    "Fionn", "Tadhg", "Martin", "Thomas", "Christopher", "Francis", "Johnny", "Paddy", "Mikey",
    "Jimmy", "Bartley", "Dermot",
)
_IRISH_FEMALE = (
    "Niamh", "Aoife", "Ciara", "Siobhan", "Roisin", "Saoirse", "Caoimhe", "Sinead", "Orla",
    "Aisling", "Mary", "Bridget", "Kathleen", "Margaret", "Grainne", "Clodagh", "Sarah", "Emma",
    "Chloe", "Shauna", "Megan", "Ellie", "Nora", "Roseanne", "Winnie", "Eileen",
)
_IRISH_SURNAMES = (
    "Murphy", "Kelly", "O'Sullivan", "Walsh", "O'Brien", "Byrne", "Ryan", "O'Connor", "O'Neill",
    "O'Reilly", "Doyle", "McCarthy", "Gallagher", "Doherty", "Kennedy", "Lynch", "Murray",
    "Quinn", "Ward", "McDonagh", "Connolly", "Daly", "O'Connell", "Dunne", "Brennan", "Burke",
    "Collins", "Fitzgerald", "Maguire", "Nolan", "Flynn", "O'Callaghan", "O'Donnell", "Duffy",
    "Boyle", "Healy", "O'Shea", "Sweeney", "Kavanagh", "Power", "McGrath", "Moran", "Brady",
    "Casey", "Foley", "Fitzpatrick", "O'Leary", "McMahon", "Donnelly", "Joyce", "Connors",
    "Maughan", "Stokes", "Delaney", "Cash", "Mongan", "Keenan", "Sheridan", "Cullen", "Keane",
    "McKenna", "Hogan", "O'Keeffe", "McNamara", "McDermott", "O'Rourke", "Buckley", "Whelan",
)

_PAKISTANI_MALE = (
    "Mohammed", "Muhammad", "Ali", "Hamza", "Ibrahim", "Yusuf", "Bilal", "Umar", "Usman", "Zain",
    "Adam", "Ayaan", "Haris", "Hassan", "Imran", "Asad", "Hussain", "Ahmed", "Abdullah",
    "Mohammad", "Saqib", "Adnan", "Faisal", "Arslan", "Zeeshan", "Waqas", "Kamran", "Amir",
    "Rayyan", "Zakariya", "Idris", "Ismail", "Musa", "Suleman", "Shoaib", "Junaid", "Danyal",
    "Talha", "Zubair", "Tariq", "Nadeem", "Mustafa", "Khalid", "Abdul", "Aqib", "Sufyan",
)
_PAKISTANI_FEMALE = (
    "Aisha", "Ayesha", "Fatima", "Maryam", "Zainab", "Hafsa", "Khadija", "Amina", "Iqra", "Sana",
    "Anam", "Mehwish", "Aleena", "Hira", "Zara", "Noor", "Safa", "Inaya", "Eman", "Hania",
    "Laiba", "Alisha", "Sadia", "Nadia", "Saima", "Rabia", "Sumaya", "Yasmin", "Sofia", "Maira",
    "Mariam", "Kiran", "Nimra", "Aliza", "Areeba", "Rimsha", "Hamna", "Mahnoor", "Samina",
)
_PAKISTANI_SURNAMES = (
    "Khan", "Hussain", "Ali", "Ahmed", "Akhtar", "Mahmood", "Iqbal", "Shah", "Rehman", "Butt",
    "Malik", "Mohammed", "Raja", "Aslam", "Javed", "Rashid", "Saleem", "Riaz", "Akram", "Ashraf",
    "Anwar", "Arshad", "Bashir", "Choudhry", "Hanif", "Haq", "Hayat", "Ijaz", "Ishaq", "Latif",
    "Majid", "Mirza", "Nawaz", "Qureshi", "Rafiq", "Rauf", "Sadiq", "Shafiq", "Sharif",
    "Siddique", "Sultan", "Tariq", "Younis", "Zaman", "Zafar", "Abbasi", "Awan", "Bhatti", "Dar",
    "Mir", "Sheikh", "Kayani", "Mughal", "Rana", "Yousaf", "Parveen|Parveen", "Kausar|Kausar",
)

_BANGLADESHI_MALE = (
    "Mohammed", "Abdul", "Ayaan", "Rayhan", "Ibrahim", "Ismail", "Yusuf", "Tahmid", "Sami",
    "Ishaq", "Jamal", "Shahed", "Fahim", "Nabil", "Rakib", "Sabbir", "Tanvir", "Arif", "Imran",
    "Mahfuz", "Rafiq", "Shakil", "Sufian", "Jubair", "Zakir", "Muhammad", "Rahim", "Aminul",
    "Saiful", "Habib",
)
_BANGLADESHI_FEMALE = (
    "Fatima", "Sumaiya", "Tasnim", "Nusrat", "Farhana", "Sadia", "Jannat", "Mariam", "Aisha",
    "Halima", "Amina", "Sabrina", "Nazia", "Shabana", "Ruksana", "Taslima", "Rumana", "Samira",
    "Tahmina", "Shirin", "Rokeya", "Nadia", "Hafsa", "Mahira", "Inaya", "Safiya", "Shilpi",
)
_BANGLADESHI_SURNAMES = (
    "Miah", "Ahmed", "Uddin", "Rahman", "Islam", "Khan", "Ali", "Hussain", "Hossain",
    "Choudhury", "Chowdhury", "Akhtar", "Alam", "Hoque", "Haque", "Kabir", "Karim", "Sarkar",
    "Talukdar", "Mahmud", "Mollah", "Rashid", "Sikder", "Siddique", "Mia", "Khatun|Khatun",
)

_SIKH_MALE = (
    "Harpreet", "Gurpreet", "Jaspreet", "Manpreet", "Amandeep", "Gurdeep", "Jasdeep", "Harjit",
    "Rajinder", "Sukhdeep", "Jaskaran", "Karanveer", "Arjun", "Harvinder", "Parminder",
    "Kulwinder", "Baljit", "Jagjit", "Ravinder", "Hardeep", "Navdeep", "Gurjit", "Inderjit",
    "Jasvir", "Harjot", "Gurtej", "Ekam", "Fateh", "Arman", "Sahib", "Jasraj", "Tejveer",
    "Ranveer", "Jaiveer", "Gursimran", "Manjot", "Prabhjot", "Simran",
)
_SIKH_FEMALE = (
    "Harpreet", "Gurpreet", "Jaspreet", "Manpreet", "Amandeep", "Simran", "Navneet", "Jasleen",
    "Harleen", "Gurleen", "Kiran", "Sukhpreet", "Ravneet", "Parminder", "Jasmeet", "Amrit",
    "Mandeep", "Jasmine", "Anisha", "Sehaj", "Harnoor", "Japji", "Gurnoor", "Rajveer",
    "Balvinder", "Taranjit",
)
_SIKH_SURNAMES = (
    "Sandhu", "Gill", "Sidhu", "Dhillon", "Bains", "Johal", "Sangha", "Atwal", "Grewal", "Kang",
    "Bassi", "Virdi", "Bhogal", "Dhaliwal", "Hothi", "Rai", "Sahota", "Sohal", "Thandi", "Mann",
    "Randhawa", "Cheema", "Bhamra", "Chahal", "Sohi", "Uppal", "Basra", "Dosanjh", "Chohan",
    "Heer", "Hayer", "Lall", "Mahal", "Panesar", "Rehal", "Sehmi", "Takhar", "Toor", "Bal",
    "Kalsi", "Matharu", "Nijjar", "Gakhal", "Sumal", "Birdi", "Jandu", "Kandola", "Sanghera",
)

_HINDU_MALE = (
    "Arjun", "Rohan", "Krish", "Aarav", "Dev", "Rahul", "Jay", "Nikhil", "Vikram", "Amit",
    "Sanjay", "Rajesh", "Kiran", "Karan", "Ravi", "Vishal", "Deepak", "Aditya", "Harsh", "Yash",
    "Varun", "Anish", "Neel", "Shiv", "Om", "Vihaan", "Ishaan", "Raj", "Akash", "Sunil", "Sachin",
    "Darshan", "Hitesh", "Kunal", "Manish", "Mehul", "Nilesh", "Jatin", "Pranav", "Ronak",
)
_HINDU_FEMALE = (
    "Priya", "Anjali", "Riya", "Pooja", "Nisha", "Kajal", "Divya", "Shreya", "Isha", "Meera",
    "Anika", "Asha", "Sapna", "Neha", "Krupa", "Hetal", "Bhavna", "Mira", "Tara", "Sneha",
    "Aarti", "Reena", "Sonia", "Jaya", "Diya", "Khushi", "Ananya", "Sanjana", "Tanvi", "Nikita",
    "Rupa", "Komal", "Kavita", "Shivani", "Palak", "Dhruvi", "Avni", "Janvi", "Mansi",
)
_HINDU_SURNAMES = (
    "Patel", "Mistry", "Shah", "Parmar", "Solanki", "Chauhan", "Sharma", "Kumar", "Lad", "Mehta",
    "Modi", "Joshi", "Pandya", "Desai", "Thakkar", "Gohil", "Rathod", "Makwana", "Chavda",
    "Vaghela", "Jadeja", "Chudasama", "Bhatt", "Trivedi", "Vyas", "Dave", "Gandhi", "Kotecha",
    "Lakhani", "Tailor", "Varsani", "Hirani", "Pindoria", "Soni", "Raval", "Amin", "Naik",
    "Ladwa", "Verma", "Gupta", "Mahey", "Bhardwaj", "Kapoor", "Khanna", "Chopra", "Malhotra",
    "Arora", "Sethi",
)

_CARIBBEAN_MALE = (
    "Tyrese", "Jermaine", "Kyle", "Jordan", "Tyler", "Deshawn", "Kai", "Malachi", "Isaiah",
    "Elijah", "Jaden", "Nathaniel", "Marcus", "Reuben", "Kaleb", "Kayden", "Zion", "Tyreke",
    "Kemar", "Shaquille", "Devon", "Andre", "Dwayne", "Leon", "Joel", "Joshua", "Daniel", "Jamal",
    "Tariq", "Omari", "Jahmal", "Kymani", "Romario", "Rico", "Trey", "Jayden",
)
_CARIBBEAN_FEMALE = (
    "Shanice", "Chantelle", "Aaliyah", "Tiana", "Jada", "Kiara", "Nia", "Leah", "Amari",
    "Jasmine", "Shantel", "Keisha", "Tia", "Destiny", "Imani", "Zara", "Kadeisha", "Tanisha",
    "Jessica", "Naomi", "Abigail", "Ruth", "Alicia", "Kayla", "Simone", "Chloe", "Lauren",
    "Renae", "Monique", "Shaniece",
)
_CARIBBEAN_SURNAMES = (
    "Campbell", "Brown", "Williams", "Johnson", "Thomas", "Smith", "Clarke", "Francis", "Reid",
    "Morgan", "Grant", "Henry", "Richards", "Robinson", "Stewart", "Lewis", "Edwards", "Walker",
    "Bailey", "Samuels", "Gordon", "Powell", "Gayle", "Spencer", "Forbes", "Murray", "Hylton",
    "Facey", "Blake", "McKenzie", "Bennett", "Anderson", "Wright", "Wilson", "Allen", "Barrett",
    "Palmer", "Thompson", "Miller", "Graham", "Simpson", "Douglas", "Dixon", "Knight", "Dennis",
    "Lindo", "Whyte", "Hinds", "Chambers", "Ellis", "Peters", "James", "Morris", "Jackson",
)

_AFRICAN_MALE = (
    "Daniel", "David", "Samuel", "Emmanuel", "Joshua", "Michael", "Joseph", "Victor", "Tobi",
    "Oluwaseun", "Chukwuemeka", "Chinedu", "Tunde", "Kwame", "Kofi", "Kwabena", "Yaw", "Tendai",
    "Tatenda", "Tinashe", "Blessing", "Prince", "Favour", "Godswill", "Divine", "Israel",
    "Elijah", "Ayomide", "Oluwatobi", "Oluwafemi", "Adebayo", "Ikechukwu", "Obinna", "Chidi",
    "Ebuka", "Jean", "Exaucé", "Dawit", "Yonas", "Gift", "Precious", "Nathaniel",
)
_AFRICAN_FEMALE = (
    "Blessing", "Precious", "Favour", "Grace", "Esther", "Deborah", "Ruth", "Mercy", "Praise",
    "Joy", "Peace", "Gift", "Chiamaka", "Chioma", "Adaeze", "Ngozi", "Oluwadamilola",
    "Damilola", "Funmilayo", "Temitope", "Ifeoluwa", "Oluwatoyin", "Ama", "Akosua", "Abena",
    "Efua", "Nyasha", "Rutendo", "Tariro", "Chipo", "Ruvimbo", "Divine", "Princess", "Comfort",
    "Miracle", "Rahel", "Hiwot", "Merveille", "Gloire",
)
_AFRICAN_SURNAMES = (
    "Okafor", "Okonkwo", "Adeyemi", "Adebayo", "Okoro", "Eze", "Nwosu", "Obi", "Olawale",
    "Oluwole", "Ogunleye", "Adewale", "Balogun", "Afolabi", "Bello", "Ibrahim", "Mensah",
    "Boateng", "Asante", "Owusu", "Osei", "Agyeman", "Appiah", "Addo", "Acheampong", "Darko",
    "Amoah", "Nkosi", "Moyo", "Ncube", "Dube", "Sibanda", "Ndlovu", "Mpofu", "Mutasa", "Banda",
    "Phiri", "Mwangi", "Kamau", "Otieno", "Odhiambo", "Tshibangu", "Kabongo", "Mukendi", "Ilunga",
    "Kalonji", "Tesfaye", "Bekele", "Gebre", "Haile", "Tekle", "Okeke", "Uche", "Chukwu",
    "Obiora", "Emenike", "Ajayi", "Ogundipe", "Akinola", "Adeleke", "Fashola", "Oyelaran",
)

_SOMALI_MALE = (
    "Mohamed", "Abdi", "Ahmed", "Abdirahman", "Abdullahi", "Ali", "Hassan", "Ibrahim", "Yusuf",
    "Omar", "Abdiaziz", "Abdikadir", "Mustafe", "Liban", "Hamza", "Bilal", "Khalid", "Zakariye",
    "Ayub", "Said", "Faisal", "Abdirizak", "Sharmarke", "Guled", "Mohamud", "Abdirahim",
)
_SOMALI_FEMALE = (
    "Hodan", "Hibo", "Amina", "Faduma", "Ayan", "Sagal", "Hawa", "Khadija", "Maryan", "Ubah",
    "Nasra", "Ifrah", "Fartun", "Asha", "Sahra", "Hamdi", "Idil", "Najma", "Safiya", "Deqa",
    "Ikran", "Muna", "Leyla", "Istahil", "Sumaya", "Hafsa", "Fadumo",
)
# A Somali child's second name is usually the father's forename, so sisters and brothers share it.
_SOMALI_SURNAMES = (
    "Mohamed", "Ali", "Ahmed", "Hassan", "Abdi", "Omar", "Abdullahi", "Hussein", "Ibrahim",
    "Ismail", "Yusuf", "Farah", "Osman", "Jama", "Aden", "Warsame", "Nur", "Mohamud", "Hirsi",
    "Dahir", "Elmi", "Egal", "Duale", "Salad", "Abdillahi", "Guled", "Hersi", "Abdulle",
    "Samatar", "Musse", "Shire", "Isse", "Gedi", "Awale",
)

_MIDDLE_EASTERN_MALE = (
    "Mohammed", "Ahmed", "Ali", "Omar", "Hassan", "Hussein", "Ibrahim", "Yusuf", "Mustafa",
    "Khalid", "Abdullah", "Karim", "Kamal", "Rebin", "Hemin", "Karwan", "Aram", "Shivan", "Zana",
    "Rawand", "Hawre", "Bakhtiar", "Ahmad", "Mahmoud", "Youssef", "Ammar", "Anas", "Amir",
    "Reza", "Hossein", "Mehdi", "Sohrab", "Farhad", "Jawad", "Nabil", "Tariq", "Zaid", "Majid",
    "Samir",
)
_MIDDLE_EASTERN_FEMALE = (
    "Fatima", "Zainab", "Maryam", "Aisha", "Noor", "Sara", "Layla", "Huda", "Amira", "Hana",
    "Rana", "Dilan", "Shilan", "Rozhan", "Sazan", "Lana", "Yasmin", "Maya", "Zahra", "Nadia",
    "Mina", "Shirin", "Parisa", "Soraya", "Rania", "Dana", "Hiba", "Salma", "Lina",
)
_MIDDLE_EASTERN_SURNAMES = (
    "Hassan", "Ahmed", "Ali", "Mohammed", "Ibrahim", "Abdullah", "Saleh", "Mahmoud", "Hussein",
    "Karim", "Rashid", "Al-Hashimi", "Khalil", "Omar", "Aziz", "Jaber", "Nasser", "Haddad",
    "Mansour", "Othman", "Saeed", "Yousef", "Amin", "Rahimi", "Ahmadi", "Hosseini", "Mohammadi",
    "Karimi", "Azizi", "Rezaei", "Noori", "Sultani", "Hamid", "Qadir", "Rasul", "Mustafa",
    "Jalal", "Salih", "Faraj", "Jamal", "Al-Obaidi", "Al-Tamimi", "Hakimi", "Stanekzai", "Popal",
    "Safi",
)

_POLISH_MALE = (
    "Jakub", "Kacper", "Szymon", "Filip", "Mateusz", "Michał", "Bartosz", "Wojciech", "Jan",
    "Antoni", "Łukasz", "Paweł", "Piotr", "Krzysztof", "Tomasz", "Adrian", "Dawid", "Kamil",
    "Oskar", "Igor", "Maciej", "Dominik", "Patryk", "Marcel", "Aleksander", "Wiktor", "Hubert",
    "Franciszek", "Mikołaj", "Stanisław", "Marcin", "Bartłomiej", "Przemysław", "Grzegorz",
    "Karol", "Sebastian", "Norbert", "Damian", "Oliwer", "Tymon",
)
_POLISH_FEMALE = (
    "Julia", "Zuzanna", "Maja", "Lena", "Zofia", "Hanna", "Wiktoria", "Oliwia", "Amelia",
    "Aleksandra", "Natalia", "Alicja", "Gabriela", "Martyna", "Weronika", "Karolina", "Kinga",
    "Paulina", "Patrycja", "Agnieszka", "Katarzyna", "Małgorzata", "Magdalena", "Joanna",
    "Klaudia", "Dominika", "Emilia", "Nikola", "Kornelia", "Łucja", "Agata", "Marta", "Ewelina",
    "Justyna", "Daria", "Milena", "Laura", "Ewa", "Anna",
)
_POLISH_SURNAMES = (
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
    "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
    "Wojciechowski", "Kwiatkowski", "Krawczyk", "Kaczmarek", "Piotrowski", "Grabowski", "Zając",
    "Pawłowski", "Michalski", "Król", "Wieczorek", "Jabłoński", "Wróbel", "Nowakowski",
    "Majewski", "Olszewski", "Stępień", "Malinowski", "Jaworski", "Adamczyk", "Dudek", "Nowicki",
    "Pawlak", "Górski", "Witkowski", "Walczak", "Sikora", "Baran", "Rutkowski", "Michalak",
    "Szewczyk", "Ostrowski", "Tomaszewski", "Pietrzak", "Zalewski", "Wróblewski", "Marciniak",
    "Jasiński", "Zawadzki", "Bąk", "Jakubowski", "Sadowski", "Duda", "Włodarczyk", "Wilk",
    "Chmielewski", "Borkowski", "Sokołowski", "Szczepański", "Sawicki", "Lis", "Kucharski",
    "Kalinowski", "Wysocki", "Mazurek", "Kubiak", "Kołodziej", "Czarnecki", "Sobczak",
    "Konieczny", "Głowacki", "Zakrzewski", "Krajewski", "Czerwiński", "Gołębiowski",
)
_POLISH_SURNAME_STEMS = (
    "Bar", "Bor", "Brzoz", "Dan", "Dom", "Fal", "Gaj", "Jar", "Kal", "Kar", "Kos", "Lip", "Mal",
    "Mar", "Mil", "Nad", "Olsz", "Pol", "Rad", "Rog", "Ros", "Sad", "Sok", "Szul", "Tar", "Wol",
    "Zab", "Zar", "Las", "Jas",
)

_ROMANIAN_MALE = (
    "Andrei", "Alexandru", "Ștefan", "Mihai", "Ionuț", "Răzvan", "Florin", "Gabriel", "Cristian",
    "Adrian", "Marian", "Constantin", "Vasile", "Ion", "Gheorghe", "Nicolae", "Bogdan", "Cosmin",
    "Darius", "David", "Luca", "Denis", "Robert", "Sebastian", "Fabian", "Claudiu", "Petru",
    "Dănuț", "Costel", "Iulian",
)
_ROMANIAN_FEMALE = (
    "Maria", "Elena", "Ioana", "Andreea", "Alexandra", "Bianca", "Roxana", "Denisa", "Daria",
    "Alesia", "Ana", "Gabriela", "Mihaela", "Cristina", "Larisa", "Raluca", "Ștefania",
    "Teodora", "Sara", "Antonia", "Florentina", "Georgiana", "Alina", "Nicoleta", "Ramona",
)
_ROMANIAN_SURNAMES = (
    "Popescu", "Ionescu", "Popa", "Pop", "Radu", "Dumitru", "Stoica", "Stan", "Gheorghe", "Rusu",
    "Munteanu", "Matei", "Constantin", "Șerban", "Moldovan", "Lungu", "Marin", "Ciobanu", "Ursu",
    "Dinu", "Tudor", "Stanciu", "Lazăr", "Mocanu", "Rădulescu", "Bălan", "Florea", "Nistor",
    "Toma", "Ene", "Vasile", "Dobre", "Barbu", "Neagu", "Ilie", "Sandu", "Cristea", "Dragomir",
    "Țurcanu", "Stănescu", "Oprea", "Preda", "Anghel", "Roman", "Voicu", "Bucur", "Sârbu",
    "Căldăraru", "Lăcătuș",
)
_ROMANIAN_SURNAME_STEMS = (
    "Petr", "Vasil", "Mihăil", "Dobr", "Constantin", "Marin", "Nicul", "Dumitr", "Anton",
    "Grigor", "Manol", "Teodor", "Andre", "Stoic", "Georg", "Pavel",
)

_LITHUANIAN_MALE = ("Lukas", "Jonas", "Mantas", "Tomas", "Dovydas", "Matas", "Nojus", "Kajus")
_LITHUANIAN_FEMALE = ("Gabija", "Ieva", "Austėja", "Emilija", "Urtė", "Kamilė", "Greta")
_LITHUANIAN_SURNAMES = (
    "Kazlauskas|Kazlauskaitė", "Jankauskas|Jankauskaitė", "Petrauskas|Petrauskaitė",
    "Stankevičius|Stankevičiūtė", "Vasiliauskas|Vasiliauskaitė", "Žukauskas|Žukauskaitė",
    "Butkus|Butkutė", "Paulauskas|Paulauskaitė",
)

_SLOVAK_CZECH_MALE = (
    "Marek", "Patrik", "Dominik", "Tomáš", "Lukáš", "Roman", "Jozef", "Martin", "Milan", "Ján",
    "Denis", "Samuel",
)
_SLOVAK_CZECH_FEMALE = (
    "Nikola", "Natália", "Vanesa", "Simona", "Kristína", "Dominika", "Monika", "Denisa",
    "Veronika", "Adriana",
)
_SLOVAK_CZECH_SURNAMES = (
    "Horváth|Horváthová", "Baláž|Balážová", "Kováč|Kováčová", "Tóth|Tóthová", "Oláh|Oláhová",
    "Lakatoš|Lakatošová", "Gažo|Gažová", "Kotlár|Kotlárová", "Novák|Nováková", "Dužda|Duždová",
    "Giňa|Giňová", "Červeňák|Červeňáková",
)

_UKRAINIAN_BULGARIAN_MALE = (
    "Oleksandr", "Dmytro", "Andriy", "Ivan", "Maksym", "Mykola", "Bohdan", "Artem", "Denys",
    "Vladyslav", "Georgi", "Dimitar", "Nikolay", "Ivaylo",
)
_UKRAINIAN_BULGARIAN_FEMALE = (
    "Olena", "Anastasiia", "Yuliia", "Iryna", "Kateryna", "Viktoriia", "Sofiia", "Polina",
    "Maria", "Elena", "Desislava", "Gergana",
)
_UKRAINIAN_BULGARIAN_SURNAMES = (
    "Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Melnyk", "Kravchenko", "Boiko",
    "Moroz", "Ivanov|Ivanova", "Petrov|Petrova", "Dimitrov|Dimitrova", "Georgiev|Georgieva",
    "Nikolov|Nikolova", "Popov|Popova",
)

_CHINESE_MALE = (
    "Wei", "Jie", "Hao", "Yu", "Jun", "Chen", "Yang", "Ming", "Lei", "Tao", "Kai", "Zihan",
    "Haoran", "Yichen", "Jason", "Kevin", "Ryan", "Daniel", "Eric", "Kenneth", "Jack", "Ho",
)
_CHINESE_FEMALE = (
    "Xin", "Yan", "Jing", "Mei", "Ying", "Hui", "Li", "Xiaoyu", "Yuxin", "Zixuan", "Jessica",
    "Michelle", "Grace", "Cindy", "Vivian", "Amy", "Wing", "Man", "Ka", "Emily",
)
_CHINESE_SURNAMES = (
    "Wang", "Li", "Zhang", "Liu", "Chen", "Wong", "Chan", "Lee", "Yang", "Huang", "Zhao", "Wu",
    "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo", "Cheung", "Lau",
    "Chow", "Ng", "Leung", "Lam", "Ho", "Yip", "Tang", "Cheng", "Kwok", "Yeung", "Tsang",
)


# ---------------------------------------------------------------------------------------------
# How the same name is written differently.
# ---------------------------------------------------------------------------------------------

# Spellings of one forename; a second agency often writes another one of the set.
_FORENAME_SPELLINGS = (
    ("Mohammed", "Mohamed", "Muhammad", "Mohammad", "Muhammed", "Mohamad"),
    ("Aisha", "Ayesha", "Aysha", "Aishah"),
    ("Jayden", "Jaden", "Jaiden", "Jaydon"),
    ("Katie", "Katy", "Katey"),
    ("Zainab", "Zaynab"),
    ("Fatima", "Fatimah", "Fatma"),
    ("Maryam", "Mariam", "Maryan"),
    ("Yusuf", "Yousef", "Yusef", "Youssef"),
    ("Ibrahim", "Ebrahim"),
    ("Hamza", "Hamzah"),
    ("Amir", "Ameer"),
    ("Bilal", "Belal"),
    ("Hussain", "Hussein", "Husain"),
    ("Ahmed", "Ahmad"),
    ("Abdullah", "Abdallah"),
    ("Omar", "Umar"),
    ("Khalid", "Khaled"),
    ("Mustafa", "Mostafa", "Mustafe"),
    ("Hassan", "Hasan"),
    ("Zakariya", "Zakaria", "Zakariye", "Zakariyya"),
    ("Sara", "Sarah"),
    ("Hannah", "Hanna"),
    ("Leah", "Lea"),
    ("Isabelle", "Isabel", "Isobel"),
    ("Ellie", "Elly"),
    ("Kayleigh", "Kayley", "Kaylee"),
    ("Aiden", "Aidan", "Ayden"),
    ("Connor", "Conor"),
    ("Callum", "Calum"),
    ("Reece", "Rhys", "Reese"),
    ("Lewis", "Louis"),
    ("Stephen", "Steven"),
    ("Matthew", "Mathew"),
    ("Hollie", "Holly"),
    ("Abbie", "Abbey", "Abby"),
    ("Lilly-Mai", "Lily-May", "Lillie-Mae"),
    ("Lacey-Mae", "Lacie-Mae", "Lacey-May"),
    ("Tyrese", "Tyreece", "Tyrece"),
    ("Deshawn", "Dashawn"),
    ("Shanice", "Shaniece"),
    ("Harpreet", "Harprit"),
    ("Gurpreet", "Gurprit"),
    ("Jaspreet", "Jasprit"),
    ("Abdirahman", "Abdurahman", "Abdi-Rahman"),
    ("Faduma", "Fadumo", "Fatuma"),
    ("Mohamud", "Mahamud", "Mahmoud"),
    ("Leyla", "Layla", "Laila"),
    ("Yasmin", "Yasmine", "Jasmine"),
    ("Zara", "Zarah"),
    ("Sumaya", "Sumaiya", "Sumayah"),
    ("Safiya", "Safiyah", "Saffiya"),
    ("Inaya", "Inayah"),
    ("Amina", "Aminah", "Ameena"),
    ("Khadija", "Khadijah", "Khadeeja"),
    ("Rayyan", "Rayan", "Rayhan"),
    ("Ayaan", "Ayan"),
    ("Oliwia", "Olivia"),
    ("Wiktoria", "Viktoria", "Victoria"),
    ("Aleksandra", "Alexandra"),
    ("Aleksander", "Alexander"),
    ("Andriy", "Andrii", "Andrei"),
    ("Yuliia", "Yulia", "Julia"),
    ("Anastasiia", "Anastasia"),
    ("Sofiia", "Sofia", "Sophia"),
    ("Viktoriia", "Viktoria"),
)

# Forenames and what people are called day to day.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Thomas": ("Tom", "Tommy"),
    "Daniel": ("Danny", "Dan"),
    "Abdullah": ("Abdul",),
    "Alexander": ("Alex",),
    "Aleksander": ("Olek", "Alex"),
    "Alexandru": ("Alex",),
    "William": ("Billy", "Will"),
    "James": ("Jamie", "Jim"),
    "Joseph": ("Joe", "Joey"),
    "Samuel": ("Sam", "Sammy"),
    "Benjamin": ("Ben",),
    "Joshua": ("Josh",),
    "Matthew": ("Matt",),
    "Christopher": ("Chris",),
    "Jonathan": ("Jon",),
    "Nathaniel": ("Nate", "Nathan"),
    "Michael": ("Mikey", "Mike"),
    "Anthony": ("Tony", "Ant"),
    "Robert": ("Rob", "Bobby"),
    "Richard": ("Rich", "Richie"),
    "Edward": ("Eddie", "Ed"),
    "Charles": ("Charlie",),
    "Henry": ("Harry",),
    "Frederick": ("Freddie",),
    "Oliver": ("Ollie",),
    "Jacob": ("Jake",),
    "Zachary": ("Zac", "Zak"),
    "Nicholas": ("Nick",),
    "Harrison": ("Harry",),
    "Stephen": ("Steve",),
    "Patrick": ("Paddy",),
    "Jessica": ("Jess",),
    "Rebecca": ("Becky",),
    "Elizabeth": ("Beth", "Lizzie"),
    "Katherine": ("Kate", "Katie"),
    "Victoria": ("Vicky", "Tori"),
    "Samantha": ("Sam",),
    "Charlotte": ("Lottie",),
    "Alexandra": ("Alex", "Lexi"),
    "Amelia": ("Millie",),
    "Abigail": ("Abbie",),
    "Eleanor": ("Ellie",),
    "Isabella": ("Bella", "Izzy"),
    "Olivia": ("Liv",),
    "Jennifer": ("Jen",),
    "Natasha": ("Tash",),
    "Danielle": ("Dani",),
    "Mohammed": ("Mo",),
    "Muhammad": ("Mo",),
    "Mohamed": ("Mo",),
    "Abdirahman": ("Abdi",),
    "Abdirahim": ("Abdi",),
    "Abdikadir": ("Abdi",),
    "Ibrahim": ("Ibby",),
    "Harpreet": ("Harry", "Harps"),
    "Gurpreet": ("Gurps", "Gary"),
    "Manpreet": ("Manny",),
    "Jaspreet": ("Jas",),
    "Jasdeep": ("Jas",),
    "Amandeep": ("Aman",),
    "Rajinder": ("Raj",),
    "Rajesh": ("Raj",),
    "Sukhdeep": ("Sukh",),
    "Chukwuemeka": ("Emeka",),
    "Oluwaseun": ("Seun",),
    "Oluwatobi": ("Tobi",),
    "Oluwafemi": ("Femi",),
    "Adebayo": ("Bayo",),
    "Oluwadamilola": ("Dami", "Damilola"),
    "Damilola": ("Dami",),
    "Ifeoluwa": ("Ife",),
    "Chiamaka": ("Amaka",),
    "Oluwatoyin": ("Toyin",),
    "Ikechukwu": ("Ike",),
    "Wojciech": ("Wojtek",),
    "Małgorzata": ("Gosia",),
    "Katarzyna": ("Kasia",),
    "Aleksandra": ("Ola",),
    "Oleksandr": ("Sasha",),
    "Dmytro": ("Dima",),
    "Kwabena": ("Kobby",),
    "Nathan": ("Nate",),
}

# Surnames written more than one way.
_SURNAME_SPELLINGS = (
    ("Hussain", "Hussein", "Husain", "Hossain"),
    ("Rehman", "Rahman"),
    ("Ahmed", "Ahmad"),
    ("Mahmood", "Mahmud", "Mehmood"),
    ("Choudhry", "Chaudhry", "Chaudhary"),
    ("Choudhury", "Chowdhury"),
    ("Mohammed", "Mohamed", "Muhammad"),
    ("Akhtar", "Akhter", "Akter"),
    ("Miah", "Mia", "Meah"),
    ("Siddique", "Siddiqui"),
    ("Yousaf", "Yousuf", "Yusuf"),
    ("Thompson", "Thomson"),
    ("Clarke", "Clark"),
    ("Davies", "Davis"),
    ("Phillips", "Philips"),
    ("Matthews", "Mathews"),
    ("Whyte", "White"),
    ("McKenzie", "Mackenzie", "MacKenzie"),
    ("McDonagh", "McDonough", "MacDonagh"),
    ("Sandhu", "Sandu"),
    ("Dhillon", "Dillon"),
    ("Chohan", "Chauhan"),
    ("Mohamud", "Mohamoud", "Mahamud"),
    ("Abdullahi", "Abdillahi"),
    ("Mohamed", "Mohammed", "Mahamed"),
    ("Yousef", "Yusuf", "Youssef"),
    ("Al-Hashimi", "Al-Hashemi", "Hashimi"),
    ("Wong", "Wang"),
    ("Lee", "Li"),
)

# A few names as they are written in Arabic or Cyrillic letters.
_OTHER_SCRIPTS: dict[str, str] = {
    "Mohammed": "محمد", "Ahmed": "أحمد", "Ali": "علي", "Omar": "عمر", "Hassan": "حسن",
    "Hussein": "حسين", "Ibrahim": "إبراهيم", "Yusuf": "يوسف", "Mustafa": "مصطفى",
    "Khalid": "خالد", "Abdullah": "عبدالله", "Karim": "كريم", "Mahmoud": "محمود", "Ammar": "عمار",
    "Anas": "أنس", "Amir": "أمير", "Zaid": "زيد", "Samir": "سمير", "Tariq": "طارق",
    "Nabil": "نبيل", "Majid": "ماجد", "Jawad": "جواد", "Youssef": "يوسف", "Ahmad": "أحمد",
    "Kamal": "كمال", "Fatima": "فاطمة", "Zainab": "زينب", "Maryam": "مريم", "Aisha": "عائشة",
    "Noor": "نور", "Sara": "سارة", "Layla": "ليلى", "Huda": "هدى", "Amira": "أميرة",
    "Hana": "هناء", "Rana": "رنا", "Lina": "لينا", "Salma": "سلمى", "Hiba": "هبة",
    "Rania": "رانيا", "Yasmin": "ياسمين", "Zahra": "زهراء", "Nadia": "نادية", "Dana": "دانا",
    "Maya": "مايا", "Saleh": "صالح", "Rashid": "رشيد",
    "Al-Hashimi": "الهاشمي", "Khalil": "خليل", "Aziz": "عزيز", "Jaber": "جابر", "Nasser": "ناصر",
    "Haddad": "حداد", "Mansour": "منصور", "Othman": "عثمان", "Saeed": "سعيد", "Yousef": "يوسف",
    "Amin": "أمين", "Jamal": "جمال", "Salih": "صالح", "Faraj": "فرج", "Hamid": "حامد",
    "Al-Obaidi": "العبيدي", "Al-Tamimi": "التميمي",
    "Oleksandr": "Олександр", "Dmytro": "Дмитро", "Andriy": "Андрій", "Ivan": "Іван",
    "Maksym": "Максим", "Mykola": "Микола", "Bohdan": "Богдан", "Artem": "Артем",
    "Denys": "Денис", "Vladyslav": "Владислав", "Georgi": "Георги", "Dimitar": "Димитър",
    "Nikolay": "Николай", "Ivaylo": "Ивайло", "Olena": "Олена", "Anastasiia": "Анастасія",
    "Yuliia": "Юлія", "Iryna": "Ірина", "Kateryna": "Катерина", "Viktoriia": "Вікторія",
    "Sofiia": "Софія", "Polina": "Поліна", "Maria": "Мария", "Elena": "Елена",
    "Desislava": "Десислава", "Gergana": "Гергана", "Kovalenko": "Коваленко",
    "Shevchenko": "Шевченко", "Bondarenko": "Бондаренко", "Tkachenko": "Ткаченко",
    "Melnyk": "Мельник", "Kravchenko": "Кравченко", "Boiko": "Бойко", "Moroz": "Мороз",
    "Ivanov": "Иванов", "Ivanova": "Иванова", "Petrov": "Петров", "Petrova": "Петрова",
    "Dimitrov": "Димитров", "Dimitrova": "Димитрова", "Georgiev": "Георгиев",
    "Georgieva": "Георгиева", "Nikolov": "Николов", "Nikolova": "Николова", "Popov": "Попов",
    "Popova": "Попова",
}

# fmt: on


def _spelling_table(sets: tuple[tuple[str, ...], ...]) -> dict[str, tuple[str, ...]]:
    """Each spelling of a set pointing to the others."""
    table: dict[str, list[str]] = {}
    for spellings in sets:
        for name in spellings:
            others = table.setdefault(name, [])
            others.extend(s for s in spellings if s != name and s not in others)
    return {name: tuple(others) for name, others in table.items()}


FORENAME_VARIANTS = _spelling_table(_FORENAME_SPELLINGS)
SURNAME_VARIANTS = _spelling_table(_SURNAME_SPELLINGS)


# fmt: off
# ---------------------------------------------------------------------------------------------
# Places.
# ---------------------------------------------------------------------------------------------

# Postcode districts and how many young people live in each, roughly.
_DISTRICTS: tuple[tuple[str, float], ...] = (
    ("CV1", 0.5), ("CV2", 1.4), ("CV3", 1.2), ("CV4", 0.7), ("CV5", 0.9), ("CV6", 1.5),
    ("CV7", 0.4),
    ("WV1", 0.6), ("WV2", 0.6), ("WV3", 0.7), ("WV4", 0.8), ("WV5", 0.2), ("WV6", 0.5),
    ("WV7", 0.1), ("WV8", 0.2), ("WV9", 0.2), ("WV10", 1.0), ("WV11", 0.8), ("WV12", 0.6),
    ("WV13", 0.6), ("WV14", 0.9),
    ("B5", 0.2), ("B6", 0.3), ("B7", 0.2), ("B8", 0.3), ("B9", 0.3), ("B10", 0.3), ("B11", 0.3),
    ("B12", 0.25), ("B13", 0.2), ("B14", 0.25), ("B16", 0.15), ("B17", 0.15), ("B19", 0.2),
    ("B20", 0.25), ("B21", 0.25), ("B23", 0.25), ("B24", 0.2), ("B26", 0.2), ("B27", 0.2),
    ("B28", 0.2), ("B29", 0.25), ("B31", 0.25), ("B32", 0.2), ("B33", 0.25), ("B34", 0.15),
    ("B35", 0.15), ("B36", 0.2), ("B42", 0.2), ("B43", 0.15), ("B44", 0.2), ("B66", 0.25),
    ("B67", 0.15), ("B68", 0.15), ("B69", 0.2), ("B70", 0.2), ("B71", 0.2),
)

# The letters used at the end of a UK postcode (never C, I, K, M, O or V).
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

_COVENTRY_STREETS = (
    "Foleshill Road", "Stoney Stanton Road", "Walsgrave Road", "Binley Road", "Holbrook Lane",
    "Radford Road", "Barker Butts Lane", "Tile Hill Lane", "Allesley Old Road", "Hearsall Lane",
    "Earlsdon Avenue", "Humber Road", "London Road", "Sewall Highway", "Broad Street",
    "Lockhurst Lane", "Henley Road", "Wyken Croft", "Ansty Road", "Clay Lane",
)
_WOLVERHAMPTON_STREETS = (
    "Dudley Road", "Stafford Road", "Penn Road", "Lea Road", "Cannock Road", "Tettenhall Road",
    "Bilston Road", "Willenhall Road", "Lichfield Road", "Wednesfield Road", "Bushbury Lane",
    "Low Hill Crescent", "Whitmore Reans Road", "Parkfield Road", "Birmingham New Road",
    "Coseley Road", "Moseley Road", "Griffiths Drive", "Blakenhall Gardens", "Goldthorn Hill",
)
_BIRMINGHAM_STREETS = (
    "Coventry Road", "Stratford Road", "Alum Rock Road", "Soho Road", "Ladypool Road",
    "Washwood Heath Road", "Bordesley Green", "Warwick Road", "Lozells Road", "Rookery Road",
    "Slade Road", "Kingstanding Road", "College Road", "Pershore Road", "Bristol Road",
    "Hagley Road", "Dudley Road", "Oldbury Road", "Green Lane", "Albert Road",
)
_STREET_STEMS = (
    "Oak", "Elm", "Ash", "Birch", "Willow", "Holly", "Beech", "Cedar", "Maple", "Rowan",
    "Hawthorn", "Chestnut", "Church", "Mill", "Station", "Park", "School", "Chapel", "Victoria",
    "Albert", "Queens", "Kings", "Princess", "Windsor", "York", "Stanley", "Grange", "Manor",
    "Meadow", "Brook", "Orchard", "Springfield", "Highfield", "Westfield", "Hill", "Canal",
    "Bridge", "Forge", "Foundry", "Nelson", "Gladstone", "Jubilee", "Coronation", "Tudor",
    "Priory", "Abbey", "Lime", "Poplar", "Sycamore", "Laburnum", "Chaucer", "Milton", "Shelley",
    "Tennyson", "Wordsworth", "Byron", "Keats", "Dickens", "Cromwell", "Nightingale",
)
_STREET_KINDS = (
    "Road", "Street", "Avenue", "Close", "Drive", "Lane", "Grove", "Way", "Crescent", "Court",
    "Gardens", "Place", "Walk", "Terrace",
)
_ABBREVIATIONS = {
    "Road": "Rd", "Street": "St", "Avenue": "Ave", "Close": "Cl", "Drive": "Dr", "Lane": "Ln",
    "Grove": "Gr", "Crescent": "Cres", "Court": "Ct", "Gardens": "Gdns", "Place": "Pl",
    "Terrace": "Terr",
}

# Ages in whole years on the reference date, and how many young people of each age the
# agencies meet: mostly 10 to 25, most of all in the middle teens.
_AGE_WEIGHTS = (
    (8, 0.4), (9, 0.8), (10, 2.0), (11, 3.0), (12, 4.5), (13, 6.0), (14, 8.0), (15, 9.0),
    (16, 9.5), (17, 9.5), (18, 8.5), (19, 7.5), (20, 6.5), (21, 5.5), (22, 4.5), (23, 4.0),
    (24, 3.5), (25, 3.0), (26, 1.2), (27, 1.0), (28, 0.8), (29, 0.6), (30, 0.5), (31, 0.4),
    (32, 0.3), (33, 0.25), (34, 0.2),
)

# Dates of birth a system accepts for a young person: more than 4 years ago, less than 60.
_EARLIEST_BIRTH = f"{int(REFERENCE_DATE[:4]) - 60}{REFERENCE_DATE[4:]}"
_LATEST_BIRTH = f"{int(REFERENCE_DATE[:4]) - 4}{REFERENCE_DATE[4:]}"

# Who writes a record, and how often.
_SOURCE_WEIGHTS = (0.35, 0.30, 0.25, 0.10)
_SCHOOL, _HOSPITAL, _POLICE, _YOUTH_JUSTICE = range(4)

# fmt: on

# ---------------------------------------------------------------------------------------------
# Communities.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Community:
    """The names of one community, its share of the young population and where it lives."""

    key: str
    share: float
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    # Zipf-like weights: the name ranked r (from 0) weighs 1 / (r + offset) ** skew.
    forename_offset: float = 4.0
    forename_skew: float = 0.9
    surname_offset: float = 3.0
    surname_skew: float = 1.0
    # Rare surnames, sharing `tail_share` of the community between them.
    surname_tail: tuple[str, ...] = ()
    tail_share: float = 0.0
    # A surname that marks sex or faith rather than family (Singh, Kaur, Begum), and the share of
    # families whose children are written with it.
    male_title: str | None = None
    female_title: str | None = None
    title_share: float = 0.0
    # The share of families with a double-barrelled surname ("Smith-Jones").
    double_barrelled: float = 0.0
    # Postcode districts where the community is more often found, and how much more.
    districts: tuple[tuple[str, float], ...] = ()
    # The share of people who write the surname first (the names then often come out swapped).
    surname_first: float = 0.0


def _interleave(*lists: tuple[str, ...]) -> tuple[str, ...]:
    """Several ranked lists as one, taking the first of each, then the second of each..."""
    merged = (n for n in chain.from_iterable(zip_longest(*lists)) if n is not None)
    return tuple(dict.fromkeys(merged))


def _composed(stems: tuple[str, ...], endings: tuple[str, ...]) -> tuple[str, ...]:
    """Every stem with every ending, a letter shared where they meet (Mill + land: Milland)."""
    return tuple(
        dict.fromkeys(
            stem + (ending[1:] if stem[-1] == ending[0] else ending)
            for stem in stems
            for ending in endings
        )
    )


_ENGLISH_TAIL = tuple(
    n
    for n in _composed(_ENGLISH_SURNAME_STEMS, _ENGLISH_SURNAME_ENDINGS)
    if n not in _WHITE_BRITISH_SURNAMES
)

_COMMUNITIES = (
    _Community(
        "white_british", 0.54, _WHITE_BRITISH_MALE, _WHITE_BRITISH_FEMALE,
        _WHITE_BRITISH_SURNAMES, forename_offset=6.0, forename_skew=0.9, surname_offset=3.5,
        surname_skew=0.85, surname_tail=_ENGLISH_TAIL, tail_share=0.6, double_barrelled=0.02,
        districts=(("CV3", 1.2), ("CV5", 1.3), ("CV7", 1.5), ("WV5", 2.0), ("WV6", 1.5),
                   ("WV7", 2.0), ("WV8", 2.0), ("WV9", 1.5), ("WV11", 1.3), ("WV12", 1.3),
                   ("WV14", 1.3), ("B31", 1.3), ("B32", 1.3), ("B43", 1.3), ("B44", 1.3)),
    ),
    _Community(
        "irish", 0.012, _IRISH_MALE, _IRISH_FEMALE, _IRISH_SURNAMES, surname_offset=4.0,
        districts=(("CV2", 1.5), ("CV3", 1.5), ("WV14", 1.5), ("B11", 1.5), ("B13", 1.5)),
    ),
    _Community(
        "pakistani", 0.085, _PAKISTANI_MALE, _PAKISTANI_FEMALE, _PAKISTANI_SURNAMES,
        forename_offset=2.0, forename_skew=1.0, surname_offset=2.5,
        female_title="Begum", title_share=0.08,
        districts=(("B8", 6.0), ("B9", 4.0), ("B10", 6.0), ("B11", 6.0), ("B12", 3.0),
                   ("B19", 2.0), ("B21", 2.0), ("CV6", 3.0), ("CV2", 1.5), ("WV1", 1.5),
                   ("B66", 1.5), ("B5", 2.0)),
    ),
    _Community(
        "bangladeshi", 0.022, _BANGLADESHI_MALE, _BANGLADESHI_FEMALE, _BANGLADESHI_SURNAMES,
        forename_offset=1.5, forename_skew=1.0, surname_offset=2.0,
        female_title="Begum", title_share=0.35,
        districts=(("B6", 4.0), ("B9", 4.0), ("B10", 4.0), ("B11", 3.0), ("B19", 3.0),
                   ("CV6", 2.0), ("CV1", 2.0), ("B8", 2.0)),
    ),
    _Community(
        "sikh", 0.05, _SIKH_MALE, _SIKH_FEMALE, _SIKH_SURNAMES, forename_offset=3.0,
        surname_offset=4.0, male_title="Singh", female_title="Kaur", title_share=0.45,
        districts=(("WV1", 3.0), ("WV2", 3.0), ("WV3", 2.0), ("WV4", 3.0), ("WV10", 2.0),
                   ("WV11", 2.0), ("WV12", 2.0), ("WV13", 2.0), ("B66", 5.0), ("B67", 3.0),
                   ("B21", 3.0), ("B20", 2.0), ("CV6", 2.0), ("CV2", 1.5)),
    ),
    _Community(
        "hindu", 0.035, _HINDU_MALE, _HINDU_FEMALE, _HINDU_SURNAMES, surname_offset=1.2,
        districts=(("CV2", 2.0), ("CV3", 1.5), ("CV6", 2.0), ("WV2", 2.0), ("WV3", 2.0),
                   ("WV4", 2.0), ("B21", 2.0), ("B20", 2.0), ("B66", 2.0)),
    ),
    _Community(
        "black_caribbean", 0.03, _CARIBBEAN_MALE, _CARIBBEAN_FEMALE, _CARIBBEAN_SURNAMES,
        surname_offset=4.0, double_barrelled=0.02,
        districts=(("B20", 3.0), ("B21", 3.0), ("B19", 2.0), ("B6", 2.0), ("WV10", 2.0),
                   ("WV1", 2.0), ("WV2", 1.5), ("CV1", 1.5), ("CV2", 1.5)),
    ),
    _Community(
        "black_african", 0.05, _AFRICAN_MALE, _AFRICAN_FEMALE, _AFRICAN_SURNAMES,
        surname_offset=8.0, surname_skew=0.8,
        districts=(("CV1", 2.5), ("CV2", 2.0), ("CV3", 1.5), ("CV6", 1.5), ("WV1", 1.5),
                   ("WV2", 1.5), ("WV10", 1.5), ("B9", 1.5), ("B33", 1.5)),
    ),
    _Community(
        "somali", 0.015, _SOMALI_MALE, _SOMALI_FEMALE, _SOMALI_SURNAMES, forename_offset=2.0,
        surname_offset=2.0,
        districts=(("B10", 4.0), ("B8", 3.0), ("B6", 3.0), ("B19", 2.0), ("CV6", 2.0),
                   ("CV1", 2.0), ("WV10", 1.5)),
    ),
    _Community(
        "middle_eastern", 0.025, _MIDDLE_EASTERN_MALE, _MIDDLE_EASTERN_FEMALE,
        _MIDDLE_EASTERN_SURNAMES, forename_offset=2.5, surname_offset=4.0, surname_skew=0.9,
        districts=(("CV1", 3.0), ("CV6", 2.0), ("CV2", 2.0), ("WV1", 2.0), ("WV2", 2.0),
                   ("B10", 2.0), ("B11", 2.0)),
    ),
    _Community(
        "polish", 0.025, _POLISH_MALE, _POLISH_FEMALE, _POLISH_SURNAMES, surname_offset=5.0,
        surname_skew=0.9, surname_tail=_composed(_POLISH_SURNAME_STEMS, ("owski", "czyk")),
        tail_share=0.3,
        districts=(("CV1", 2.0), ("CV2", 2.0), ("CV6", 2.0), ("WV1", 2.0), ("WV2", 1.5),
                   ("WV14", 2.0), ("B10", 1.5)),
    ),
    _Community(
        "romanian", 0.018, _ROMANIAN_MALE, _ROMANIAN_FEMALE, _ROMANIAN_SURNAMES,
        surname_offset=4.0, surname_skew=0.9,
        surname_tail=_composed(_ROMANIAN_SURNAME_STEMS, ("escu", "eanu")), tail_share=0.25,
        districts=(("CV1", 2.0), ("CV2", 2.0), ("CV6", 2.0), ("WV2", 2.0), ("B10", 2.0),
                   ("B8", 2.0), ("B9", 2.0)),
    ),
    _Community(
        "lithuanian", 0.003, _LITHUANIAN_MALE, _LITHUANIAN_FEMALE, _LITHUANIAN_SURNAMES,
        districts=(("CV1", 2.0), ("CV6", 2.0), ("WV1", 2.0)),
    ),
    _Community(
        "slovak_czech", 0.004, _SLOVAK_CZECH_MALE, _SLOVAK_CZECH_FEMALE, _SLOVAK_CZECH_SURNAMES,
        districts=(("WV1", 2.0), ("WV2", 2.0), ("WV10", 2.0), ("B10", 2.0)),
    ),
    _Community(
        "ukrainian_bulgarian", 0.004, _UKRAINIAN_BULGARIAN_MALE, _UKRAINIAN_BULGARIAN_FEMALE,
        _UKRAINIAN_BULGARIAN_SURNAMES, districts=(("CV1", 2.0), ("CV3", 2.0), ("WV2", 2.0)),
    ),
    _Community(
        "chinese", 0.01, _CHINESE_MALE, _CHINESE_FEMALE, _CHINESE_SURNAMES, surname_offset=2.5,
        districts=(("CV1", 3.0), ("CV4", 2.0), ("B5", 2.0)),
        surname_first=0.1,
    ),
    _Community(
        "mixed", 0.07, _interleave(_WHITE_BRITISH_MALE, _CARIBBEAN_MALE),
        _interleave(_WHITE_BRITISH_FEMALE, _CARIBBEAN_FEMALE),
        _interleave(_WHITE_BRITISH_SURNAMES[:90], _CARIBBEAN_SURNAMES, _AFRICAN_SURNAMES[:20]),
        forename_offset=6.0, surname_offset=6.0, surname_tail=_ENGLISH_TAIL, tail_share=0.3,
        double_barrelled=0.04,
        districts=(("CV1", 1.5), ("CV2", 1.5), ("WV10", 1.5), ("WV1", 1.5), ("B20", 1.5),
                   ("B21", 1.5)),
    ),
)  # fmt: skip


def _feminine(surname: str) -> str:
    """The form of a surname a woman or girl carries: Kowalski -> Kowalska."""
    if "|" in surname:
        return surname.split("|", 1)[1]
    if surname.endswith(("ski", "cki", "dzki")):
        return surname[:-1] + "a"
    return surname


def _masculine(surname: str) -> str:
    return surname.split("|", 1)[0]


def _zipf(n: int, offset: float, skew: float) -> FloatArray:
    ranks = np.arange(n, dtype=np.float64)
    return (ranks + offset) ** -skew


@dataclass(frozen=True)
class _Draw:
    """A ranked list of names as positions in a master list, with cumulative weights."""

    index: IntArray
    cumulative: FloatArray

    def sample(self, rng: np.random.Generator, size: int) -> tuple[IntArray, IntArray]:
        """`size` names drawn by weight: (master positions, ranks in this list)."""
        points = rng.random(size) * self.cumulative[-1]
        rank = np.searchsorted(self.cumulative, points, side="right").astype(np.int64)
        np.minimum(rank, len(self.index) - 1, out=rank)
        return self.index[rank], rank


@dataclass(frozen=True)
class _Tables:
    forenames: ObjArray
    surnames_male: ObjArray
    surnames_female: ObjArray
    forename_draws: tuple[tuple[_Draw, _Draw], ...]  # per community: (female, male)
    surname_draws: tuple[_Draw, ...]
    community_cumulative: FloatArray
    male_title: IntArray  # per community, position in the surname list or -1
    female_title: IntArray
    title_share: FloatArray
    double_barrelled: FloatArray
    surname_first: FloatArray
    district_names: tuple[str, ...]
    district_cumulative: tuple[FloatArray, ...]  # per community
    district_weights: FloatArray
    streets: tuple[ObjArray, ...]  # per city: Coventry, Wolverhampton, Birmingham
    district_city: IntArray


@cache
def _tables() -> _Tables:
    forenames: dict[str, int] = {}
    surnames: dict[str, int] = {}

    def positions(names: tuple[str, ...], into: dict[str, int]) -> IntArray:
        return np.array([into.setdefault(n, len(into)) for n in names], dtype=np.int64)

    def unique(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(names))

    order = np.random.default_rng(20250901)  # a fixed order for the rare surnames
    forename_draws = []
    surname_draws = []
    for c in _COMMUNITIES:
        pair = []
        for names in (unique(c.female), unique(c.male)):
            weights = _zipf(len(names), c.forename_offset, c.forename_skew)
            pair.append(_Draw(positions(names, forenames), np.cumsum(weights)))
        forename_draws.append((pair[0], pair[1]))
        head = positions(unique(c.surnames), surnames)
        weights = _zipf(len(head), c.surname_offset, c.surname_skew)
        if c.surname_tail:
            known = frozenset(c.surnames)
            rare = [n for n in unique(c.surname_tail) if n not in known]
            tail_names = tuple(order.permutation(np.array(rare, dtype=object)))
            tail = positions(tail_names, surnames)
            tail_weights = _zipf(len(tail), 10.0, 0.6)
            tail_weights *= c.tail_share / (1 - c.tail_share) * weights.sum() / tail_weights.sum()
            head = np.concatenate([head, tail])
            weights = np.concatenate([weights, tail_weights])
        surname_draws.append(_Draw(head, np.cumsum(weights)))

    def title(name: str | None) -> int:
        return -1 if name is None else surnames.setdefault(name, len(surnames))

    male_title = np.array([title(c.male_title) for c in _COMMUNITIES], dtype=np.int64)
    female_title = np.array([title(c.female_title) for c in _COMMUNITIES], dtype=np.int64)

    district_names = tuple(d for d, _ in _DISTRICTS)
    base = np.array([w for _, w in _DISTRICTS], dtype=np.float64)
    district_cumulative = []
    for c in _COMMUNITIES:
        weights = base.copy()
        for district, boost in c.districts:
            weights[district_names.index(district)] *= boost
        district_cumulative.append(np.cumsum(weights))

    generic = tuple(f"{stem} {kind}" for stem in _STREET_STEMS for kind in _STREET_KINDS)
    streets = tuple(
        np.array(city + generic, dtype=object)
        for city in (_COVENTRY_STREETS, _WOLVERHAMPTON_STREETS, _BIRMINGHAM_STREETS)
    )
    district_city = np.array(
        [0 if d.startswith("CV") else 1 if d.startswith("WV") else 2 for d in district_names],
        dtype=np.int64,
    )
    surname_list = list(surnames)
    return _Tables(
        forenames=np.array(list(forenames), dtype=object),
        surnames_male=np.array([_masculine(s) for s in surname_list], dtype=object),
        surnames_female=np.array([_feminine(s) for s in surname_list], dtype=object),
        forename_draws=tuple(forename_draws),
        surname_draws=tuple(surname_draws),
        community_cumulative=np.cumsum([c.share for c in _COMMUNITIES]),
        male_title=male_title,
        female_title=female_title,
        title_share=np.array([c.title_share for c in _COMMUNITIES]),
        double_barrelled=np.array([c.double_barrelled for c in _COMMUNITIES]),
        surname_first=np.array([c.surname_first for c in _COMMUNITIES]),
        district_names=district_names,
        district_cumulative=tuple(district_cumulative),
        district_weights=base,
        streets=streets,
        district_city=district_city,
    )


# ---------------------------------------------------------------------------------------------
# The population.
# ---------------------------------------------------------------------------------------------


def _pick(rng: np.random.Generator, cumulative: FloatArray, size: int) -> IntArray:
    points = rng.random(size) * cumulative[-1]
    chosen = np.searchsorted(cumulative, points, side="right").astype(np.int64)
    return np.minimum(chosen, len(cumulative) - 1)


def _forenames(
    rng: np.random.Generator, t: _Tables, community: IntArray, male: BoolArray
) -> tuple[IntArray, IntArray]:
    """A forename for each person, by community and sex: (master positions, ranks)."""
    index = np.empty(len(community), dtype=np.int64)
    rank = np.empty(len(community), dtype=np.int64)
    for c, draws in enumerate(t.forename_draws):
        for sex, draw in enumerate(draws):
            rows = np.flatnonzero((community == c) & (male == bool(sex)))
            if len(rows):
                index[rows], rank[rows] = draw.sample(rng, len(rows))
    return index, rank


def _surnames(
    rng: np.random.Generator, t: _Tables, community: IntArray
) -> tuple[IntArray, IntArray]:
    index = np.empty(len(community), dtype=np.int64)
    rank = np.empty(len(community), dtype=np.int64)
    for c, draw in enumerate(t.surname_draws):
        rows = np.flatnonzero(community == c)
        if len(rows):
            index[rows], rank[rows] = draw.sample(rng, len(rows))
    return index, rank


def _dates_of_birth(rng: np.random.Generator, size: int) -> npt.NDArray[np.datetime64]:
    ages = np.array([a for a, _ in _AGE_WEIGHTS], dtype=np.float64)
    cumulative = np.cumsum([w for _, w in _AGE_WEIGHTS])
    years = ages[_pick(rng, cumulative, size)] + rng.random(size)
    days = np.floor(years * 365.2425).astype("timedelta64[D]")
    return np.datetime64(REFERENCE_DATE, "D") - days


@dataclass
class _Places:
    """Postcode units: a postcode and the street it is on, grouped by district."""

    postcode: ObjArray
    street: ObjArray
    district: IntArray
    first: IntArray  # per district, the first unit in it
    count: IntArray  # per district, how many units it has

    def in_districts(self, rng: np.random.Generator, districts: IntArray) -> IntArray:
        """A unit in each of these districts."""
        offset = np.floor(rng.random(len(districts)) * self.count[districts]).astype(np.int64)
        return self.first[districts] + offset

    def addresses(self, rng: np.random.Generator, units: IntArray) -> list[str]:
        """The first line of an address on the street of each unit: "12 Foleshill Road"."""
        n = len(units)
        numbers = np.minimum(1 + rng.geometric(1 / 45, size=n), 400).tolist()
        flats = np.where(rng.random(n) < 0.07, rng.integers(1, 16, size=n), 0).tolist()
        streets = self.street[units].tolist()
        return [
            f"Flat {flat}, {number} {street}" if flat else f"{number} {street}"
            for number, flat, street in zip(numbers, flats, streets, strict=True)
        ]


def _places(rng: np.random.Generator, t: _Tables, households: int) -> _Places:
    """About seven households to a postcode, each postcode on one street, as in a UK town."""
    weights = t.district_weights / t.district_weights.sum()
    wanted = max(len(weights) * 3, households // 7 + 1)
    count = np.maximum(1, np.round(weights * wanted)).astype(np.int64)
    first = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    total = int(count.sum())
    district = np.repeat(np.arange(len(count), dtype=np.int64), count)
    sector = rng.integers(0, 10, size=total)
    sector = np.where(sector == 0, rng.integers(1, 10, size=total), sector)  # 0 is rarer
    letters = rng.integers(0, len(_INWARD_LETTERS), size=(total, 2))
    names = t.district_names
    postcode = np.array(
        [
            f"{names[d]} {s}{_INWARD_LETTERS[a]}{_INWARD_LETTERS[b]}"
            for d, s, (a, b) in zip(
                district.tolist(), sector.tolist(), letters.tolist(), strict=True
            )
        ],
        dtype=object,
    )
    street = np.empty(total, dtype=object)
    city = t.district_city[district]
    for c, pool in enumerate(t.streets):
        rows = np.flatnonzero(city == c)
        street[rows] = pool[rng.integers(0, len(pool), size=len(rows))]
    return _Places(postcode, street, district, first, count)


@dataclass
class _People:
    community: IntArray
    male: BoolArray
    forename: ObjArray
    surname: ObjArray  # as written on a first record
    family: ObjArray  # the family surname, without Singh, Kaur or Begum
    dob: npt.NDArray[np.datetime64]
    unit: IntArray
    postcode: ObjArray
    address: ObjArray


def _people(rng: np.random.Generator, t: _Tables, n: int) -> tuple[_People, _Places]:
    """`n` people in households: brothers and sisters, twins, and unrelated namesakes."""
    twins = int(n * 0.008)
    namesakes = max(1 if n >= 40 else 0, int(n * 0.004))
    regular = n - twins - namesakes
    heads = max(1, round(regular * 0.78)) if regular else 0

    # Families: a community, a surname, perhaps Singh/Kaur or Begum, perhaps double-barrelled.
    family_community = _pick(rng, t.community_cumulative, heads)
    family_surname, family_rank = _surnames(rng, t, family_community)
    family_titled = rng.random(heads) < t.title_share[family_community]
    second, _ = _surnames(rng, t, family_community)
    double = (rng.random(heads) < t.double_barrelled[family_community]) & (second != family_surname)
    second = np.where(double, second, -1)

    # Children: one per family, then brothers and sisters in some of the families.
    household = np.concatenate(
        [np.arange(heads, dtype=np.int64), rng.integers(0, max(heads, 1), size=regular - heads)]
    )
    community = family_community[household]
    surname = family_surname[household]
    titled = family_titled[household]
    barrel = second[household]
    rank = family_rank[household]
    # A half-brother or half-sister with another father's surname.
    half = np.flatnonzero((np.arange(regular) >= heads) & (rng.random(regular) < 0.12))
    surname[half], rank[half] = _surnames(rng, t, community[half])
    barrel[half] = -1
    male = rng.random(regular) < 0.51
    forename, forename_rank = _forenames(rng, t, community, male)
    dob = _dates_of_birth(rng, regular)

    # Twins: the same family and birthday, a different forename.
    of = rng.choice(regular, size=twins, replace=False) if twins else np.zeros(0, np.int64)
    twin_male = np.where(rng.random(twins) < 0.6, male[of], rng.random(twins) < 0.51)
    twin_forename, _ = _forenames(rng, t, community[of], twin_male)
    for _ in range(8):
        same = np.flatnonzero(twin_forename == forename[of])
        if not len(same):
            break
        twin_forename[same], _ = _forenames(rng, t, community[of][same], twin_male[same])

    # Namesakes: another child with a common forename and surname, born the same year,
    # living elsewhere.
    common = np.flatnonzero((forename_rank < 12) & (rank < 12) & (barrel < 0) & ~titled)
    if len(common) == 0:
        common = np.arange(regular)
    source = common[rng.integers(0, len(common), size=namesakes)] if regular else common[:0]
    year = dob[source].astype("datetime64[Y]")
    days_in_year = ((year + 1).astype("datetime64[D]") - year.astype("datetime64[D]")).astype(
        np.int64
    )
    namesake_dob = year.astype("datetime64[D]") + (
        (
            (dob[source] - year.astype("datetime64[D]")).astype(np.int64)
            + rng.integers(1, 365, size=namesakes)
        )
        % days_in_year
    ).astype("timedelta64[D]")
    namesake_household = heads + np.arange(namesakes, dtype=np.int64)

    everyone = np.concatenate([np.arange(regular), of, source]).astype(np.int64)
    community = community[everyone]
    male = np.concatenate([male, twin_male, male[source]])
    forename_index = np.concatenate([forename, twin_forename, forename[source]])
    surname = surname[everyone]
    titled = titled[everyone]
    barrel = barrel[everyone]
    dob = np.concatenate([dob, dob[of], namesake_dob])
    household = np.concatenate([household, household[of], namesake_household])

    # Where the families live.
    all_households = heads + namesakes
    household_community = np.concatenate([family_community, community[regular + twins :]])
    places = _places(rng, t, all_households)
    district = np.empty(all_households, dtype=np.int64)
    for c, cumulative in enumerate(t.district_cumulative):
        rows = np.flatnonzero(household_community == c)
        district[rows] = _pick(rng, cumulative, len(rows))
    household_unit = places.in_districts(rng, district)
    household_address = np.array(places.addresses(rng, household_unit), dtype=object)

    # Surnames as written: the form for the person's sex, the second half of a double-barrelled
    # name, and Singh, Kaur or Begum where the family uses them.
    family = np.where(male, t.surnames_male[surname], t.surnames_female[surname])
    rows = np.flatnonzero(barrel >= 0)
    if len(rows):
        seconds = np.where(
            male[rows], t.surnames_male[barrel[rows]], t.surnames_female[barrel[rows]]
        )
        family[rows] = [f"{a}-{b}" for a, b in zip(family[rows], seconds, strict=True)]
    written = family.copy()
    title = np.where(male, t.male_title[community], t.female_title[community])
    rows = np.flatnonzero(titled & (title >= 0))
    written[rows] = t.surnames_male[title[rows]]

    people = _People(
        community=community,
        male=male,
        forename=t.forenames[forename_index],
        surname=written,
        family=family,
        dob=dob,
        unit=household_unit[household],
        postcode=places.postcode[household_unit[household]],
        address=household_address[household],
    )
    return people, places


def population(n_records: int, *, duplicate_share: float = 0.25, seed: int = 0) -> pd.DataFrame:
    """`n_records` records of young people, as agencies in the West Midlands write them down.

    About `duplicate_share` of the records (at most three quarters) are further records of
    people who already have one, each person having one to three more. The same seed gives
    the same records. Columns: see COLUMNS; `person_id` is shared by the records of one person.
    """
    if n_records < 0:
        raise ValueError("n_records cannot be negative")
    if not 0.0 <= duplicate_share <= 0.75:
        raise ValueError("duplicate_share must be between 0 and 0.75")
    t = _tables()
    rng = np.random.default_rng(seed)
    writer = random.Random(int(rng.integers(0, 2**62)))  # noqa: S311 - made-up data

    # Each duplicated person has one to three further records.
    extra = min(round(duplicate_share * n_records), n_records - -(-n_records // 4))
    n_people = n_records - extra
    people, places = _people(rng, t, n_people)
    more = rng.choice(np.array([1, 2, 3]), p=[0.62, 0.27, 0.11], size=n_people)
    if int(more.sum()) < extra:
        more[:] = 3
    order = rng.permutation(n_people)
    more = more[order]
    upto = int(np.searchsorted(np.cumsum(more), extra)) + 1 if extra else 0
    more = more[:upto].copy()
    if upto:
        more[-1] -= int(more.sum()) - extra
    again = np.repeat(order[:upto], more).astype(np.int64)

    first = _first_records(rng, people)
    further = _further_records(rng, writer, t, people, places, again)

    person_id = np.concatenate([np.arange(n_people, dtype=np.int64), again])
    source = np.concatenate([first["source"], further["source"]])
    columns = {
        key: np.concatenate([first[key], further[key]])
        for key in ("forename", "surname", "dob", "postcode", "sex", "address")
    }
    _write_as_the_agency_does(rng, columns, source)

    shuffle = rng.permutation(n_records)
    frame = {
        "record_id": pd.Series([f"r{i:07d}" for i in range(1, n_records + 1)], dtype=object),
        "person_id": pd.Series(person_id[shuffle], dtype=np.int64),
    }
    for key in ("forename", "surname", "dob", "postcode", "sex", "address"):
        frame[key] = pd.Series(columns[key][shuffle], dtype=object)
    frame["source"] = pd.Series(np.array(SOURCES, dtype=object)[source[shuffle]], dtype=object)
    return pd.DataFrame(frame, columns=list(COLUMNS))


def _blank(rng: np.random.Generator, values: ObjArray, share: float) -> None:
    values[rng.random(len(values)) < share] = None


def _sources(rng: np.random.Generator, dob: npt.NDArray[np.datetime64]) -> IntArray:
    """Who wrote each record; schools only write about children of school age."""
    source = _pick(rng, np.cumsum(_SOURCE_WEIGHTS), len(dob))
    adult = dob < np.datetime64(REFERENCE_DATE, "D") - np.timedelta64(int(18 * 365.25), "D")
    rows = np.flatnonzero(adult & (source == _SCHOOL))
    source[rows] = 1 + _pick(rng, np.cumsum(_SOURCE_WEIGHTS[1:]), len(rows))
    return source


def _first_records(rng: np.random.Generator, p: _People) -> dict[str, npt.NDArray[np.generic]]:
    """Each person's first record: as they are, with the odd field left blank."""
    forename = p.forename.copy()
    surname = p.surname.copy()
    dob = np.datetime_as_string(p.dob, unit="D").astype(object)
    postcode = p.postcode.copy()
    address = p.address.copy()
    sex = np.where(p.male, "male", "female").astype(object)
    # Some systems only take plain letters: Łukasz Wójcik goes in as Lukasz Wojcik.
    for names in (forename, surname):
        rows = np.flatnonzero(np.fromiter((not n.isascii() for n in names), bool, len(names)))
        rows = rows[rng.random(len(rows)) < 0.3]
        names[rows] = np.fromiter((strip_accents(n) for n in names[rows]), object, len(rows))
    _blank(rng, forename, 0.005)
    _blank(rng, dob, 0.01)
    _blank(rng, postcode, 0.04)
    _blank(rng, address, 0.06)
    _blank(rng, sex, 0.02)
    return {
        "forename": forename,
        "surname": surname,
        "dob": dob,
        "postcode": postcode,
        "sex": sex,
        "address": address,
        "source": _sources(rng, p.dob),
    }


# ---------------------------------------------------------------------------------------------
# Further records: the same people as another agency writes them.
# ---------------------------------------------------------------------------------------------

# Communities whose names are sometimes written in their own letters (by an interpreter, or
# copied from a passport), though never by the police.
_OWN_SCRIPT = ("middle_eastern", "ukrainian_bulgarian")


def _further_records(
    rng: np.random.Generator,
    writer: random.Random,
    t: _Tables,
    p: _People,
    places: _Places,
    again: IntArray,
) -> dict[str, npt.NDArray[np.generic]]:
    """One record for each entry of `again` (a person), written with the slips agencies make."""
    n = len(again)
    source = _sources(rng, p.dob[again])
    community = p.community[again]
    male = p.male[again]
    surname = p.surname[again]
    postcode = p.postcode[again]
    address = p.address[again]

    # Some have moved house since: mostly nearby, in the same postcode district.
    moved = np.flatnonzero(rng.random(n) < 0.15)
    district = places.district[p.unit[again[moved]]]
    elsewhere = np.empty(len(moved), dtype=np.int64)
    for c, cumulative in enumerate(t.district_cumulative):
        rows = np.flatnonzero(community[moved] == c)
        elsewhere[rows] = _pick(rng, cumulative, len(rows))
    district = np.where(rng.random(len(moved)) < 0.6, district, elsewhere)
    unit = places.in_districts(rng, district)
    postcode[moved] = places.postcode[unit]
    address[moved] = np.fromiter(places.addresses(rng, unit), dtype=object, count=len(moved))

    # Some are written with another surname: Singh or Kaur instead of the family name (or the
    # other way round), a stepfather's surname, or a new name joined to the old one.
    title = np.where(male, t.male_title[community], t.female_title[community])
    has_title = title >= 0
    change = rng.random(n) < np.where(has_title, 0.2, 0.035)
    rows = np.flatnonzero(change & has_title)
    title_name = t.surnames_male[title[rows]]
    surname[rows] = np.where(surname[rows] == title_name, p.family[again[rows]], title_name)
    rows = np.flatnonzero(change & ~has_title)
    new_index, _ = _surnames(rng, t, community[rows])
    new = np.where(male[rows], t.surnames_male[new_index], t.surnames_female[new_index])
    joined = (rng.random(len(rows)) < 0.3).tolist()
    surname[rows] = np.fromiter(
        (
            f"{old}-{name}" if join and old != name else name
            for old, name, join in zip(surname[rows], new, joined, strict=True)
        ),
        dtype=object,
        count=len(rows),
    )

    own_script = (
        np.isin(community, [_community(k) for k in _OWN_SCRIPT]) & (source != _POLICE)
    ).tolist()
    swap_share = (t.surname_first[community] + 0.02).tolist()
    sexes = np.where(male, "male", "female").tolist()
    dobs = np.datetime_as_string(p.dob[again], unit="D").tolist()
    written = [
        _rewrite(writer, *fields)
        for fields in zip(
            p.forename[again].tolist(),
            surname.tolist(),
            dobs,
            postcode.tolist(),
            address.tolist(),
            sexes,
            swap_share,
            own_script,
            strict=True,
        )
    ]
    columns: dict[str, npt.NDArray[np.generic]] = {
        key: np.fromiter((w[i] for w in written), dtype=object, count=n)
        for i, key in enumerate(("forename", "surname", "dob", "postcode", "address", "sex"))
    }
    columns["source"] = source
    return columns


def _community(key: str) -> int:
    return next(i for i, c in enumerate(_COMMUNITIES) if c.key == key)


def _rewrite(
    w: random.Random,
    forename: str,
    surname: str,
    dob: str,
    postcode: str,
    address: str,
    sex: str,
    swap_share: float,
    own_script: bool,
) -> tuple[str | None, str | None, str | None, str | None, str | None, str | None]:
    """One person's details as a second agency writes them, each slip with its own chance."""
    rnd = w.random
    first: str | None = forename
    last: str | None = surname

    # The forename: what they are called, another spelling, a hyphenated name written
    # another way, accents dropped.
    r = rnd()
    nicknames = NICKNAMES.get(forename)
    spellings = FORENAME_VARIANTS.get(forename)
    if nicknames and r < 0.2:
        forename = w.choice(nicknames)
    elif spellings and r < 0.45:
        forename = w.choice(spellings)
    if "-" in forename and rnd() < 0.4:
        forename = _joined_differently(w, forename, keep_last=False)
    if not forename.isascii() and rnd() < 0.6:
        forename = _accents(w, forename)

    # The surname, likewise.
    spellings = SURNAME_VARIANTS.get(surname)
    if spellings and rnd() < 0.2:
        surname = w.choice(spellings)
    if ("-" in surname or "'" in surname) and rnd() < 0.5:
        surname = _joined_differently(w, surname, keep_last=True)
    if not surname.isascii() and rnd() < 0.6:
        surname = _accents(w, surname)

    # Slips of the keyboard.
    if rnd() < 0.03:
        forename = _typo(w, forename)
    if rnd() < 0.03:
        surname = _typo(w, surname)

    first, last = forename, surname
    if own_script and rnd() < 0.15 and forename in _OTHER_SCRIPTS:
        first = _OTHER_SCRIPTS[forename]
        last = _OTHER_SCRIPTS.get(surname, surname)
    elif rnd() < 0.03:
        first = forename[0] if rnd() < 0.8 else forename[0] + "."
    if rnd() < swap_share:
        first, last = last, first
    if rnd() < 0.03:
        first = None
    if rnd() < 0.01:
        last = None

    # The date of birth.
    written_dob: str | None = dob
    r = rnd()
    if r < 0.06:
        written_dob = None
    elif r < 0.10:
        written_dob = _day_and_month_swapped(dob)
    elif r < 0.13:
        written_dob = _digit_slip(w, dob)
    elif r < 0.155:
        written_dob = _another_year(w, dob)

    # Postcode and address.
    written_postcode: str | None = postcode
    written_address: str | None = address
    r = rnd()
    if r < 0.08:
        written_postcode = None
        if rnd() < 0.7:
            written_address = None
    elif r < 0.095:
        written_postcode = _postcode_slip(w, postcode)
    if written_address is not None:
        r = rnd()
        if r < 0.07:
            written_address = None
        elif r < 0.22:
            written_address = _address_variant(w, address)

    written_sex: str | None = sex
    r = rnd()
    if r < 0.04:
        written_sex = None
    elif r < 0.043:
        written_sex = "female" if sex == "male" else "male"
    return first, last, written_dob, written_postcode, written_address, written_sex


_STROKED = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O"})
_CEDILLA = str.maketrans({"ș": "ş", "Ș": "Ş", "ț": "ţ", "Ț": "Ţ"})


def strip_accents(name: str) -> str:
    """A name with its accents dropped, as systems that only take plain letters write it."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_STROKED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _accents(w: random.Random, name: str) -> str:
    """Accents dropped, or Romanian letters written with the older cedilla (Ştefan)."""
    if any(c in name for c in "șțȘȚ") and w.random() < 0.3:
        return name.translate(_CEDILLA)
    return strip_accents(name)


def _joined_differently(w: random.Random, name: str, *, keep_last: bool) -> str:
    """Smith-Jones as Smith Jones, Smithjones, Smith or Jones; O'Brien as OBrien or O Brien."""
    if "-" in name:
        parts = [part for part in name.split("-") if part]
        options = [" ".join(parts), parts[0] + "".join(part.lower() for part in parts[1:])]
        if len(parts[0]) > 2:  # never "Al" for Al-Hashimi
            options.append(parts[0])
        if keep_last:
            options.append(parts[-1])
        return w.choice(options)
    head, _, rest = name.partition("'")
    return w.choice((head + rest, f"{head} {rest}", head + rest.lower()))


_KEYBOARD = {
    "q": "wa", "w": "qeas", "e": "wrds", "r": "etdf", "t": "ryfg", "y": "tugh", "u": "yihj",
    "i": "uojk", "o": "ipkl", "p": "ol", "a": "qwsz", "s": "awedxz", "d": "serfcx",
    "f": "drtgvc", "g": "ftyhbv", "h": "gyujnb", "j": "huikmn", "k": "jiolm", "l": "kop",
    "z": "asx", "x": "zsdc", "c": "xdfv", "v": "cfgb", "b": "vghn", "n": "bhjm", "m": "njk",
}  # fmt: skip


def _typo(w: random.Random, name: str) -> str:
    """A neighbouring key, a dropped or doubled letter, or two letters the wrong way round."""
    if len(name) < 3:
        return name
    i = w.randrange(1, len(name))  # the first letter is seldom mistyped
    letter = name[i]
    r = w.random()
    if r < 0.4 and letter.lower() in _KEYBOARD:
        key = w.choice(_KEYBOARD[letter.lower()])
        return name[:i] + (key.upper() if letter.isupper() else key) + name[i + 1 :]
    if r < 0.65:
        return name[:i] + name[i + 1 :]
    if r < 0.8:
        return name[:i] + letter + name[i:]
    if i + 1 < len(name):
        return name[:i] + name[i + 1] + letter + name[i + 2 :]
    return name[:i]


def _is_date(text: str) -> bool:
    """A real date that an agency's system would take as a young person's date of birth."""
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return _EARLIEST_BIRTH <= text <= _LATEST_BIRTH


def _day_and_month_swapped(dob: str) -> str:
    """3 April written as 4 March; only possible when the day is 12 or less."""
    year, month, day = dob[:4], dob[5:7], dob[8:10]
    if day != month and int(day) <= 12:
        return f"{year}-{day}-{month}"
    return dob


def _digit_slip(w: random.Random, dob: str) -> str:
    """One digit mistyped, or two digits the wrong way round; still a real date."""
    for _ in range(6):
        digits = list(dob)
        if w.random() < 0.25:
            i = w.choice((2, 5, 8))  # within the end of the year, the month or the day
            digits[i], digits[i + 1] = digits[i + 1], digits[i]
        else:
            i = w.choice((2, 3, 5, 6, 8, 9))
            old = int(digits[i])
            if w.random() < 0.5:
                digits[i] = str((old + w.choice((-1, 1))) % 10)
            else:
                digits[i] = str(w.choice([d for d in range(10) if d != old]))
        slipped = "".join(digits)
        if slipped != dob and _is_date(slipped):
            return slipped
    return _another_year(w, dob)


def _another_year(w: random.Random, dob: str) -> str:
    """The right day and month in the wrong year, mostly a year out."""
    r = w.random()
    step = 1 if r < 0.7 else 2 if r < 0.9 else w.randint(3, 5)
    year = int(dob[:4]) + (step if w.random() < 0.5 else -step)
    moved = f"{year:04d}{dob[4:]}"
    if _is_date(moved):
        return moved
    if dob[5:] == "02-29":
        return f"{year:04d}-02-28"
    return f"{int(dob[:4]) - step:04d}{dob[4:]}"


def _postcode_slip(w: random.Random, postcode: str) -> str:
    """A wrong letter or digit in the last part of the postcode, or its letters swapped."""
    outward, _, inward = postcode.partition(" ")
    sector, a, b = inward[0], inward[1], inward[2]
    r = w.random()
    if r < 0.5:
        b = w.choice([c for c in _INWARD_LETTERS if c != b])
    elif r < 0.75 and a != b:
        a, b = b, a
    else:
        sector = str((int(sector) + w.choice((-1, 1))) % 10)
    return f"{outward} {sector}{a}{b}"


def _address_variant(w: random.Random, address: str) -> str:
    """Road as Rd, the flat or the house number left off, a house number or letter mistyped."""
    words = address.split(" ")
    r = w.random()
    if r < 0.45 and words[-1] in _ABBREVIATIONS:
        return " ".join([*words[:-1], _ABBREVIATIONS[words[-1]]])
    if r < 0.6 and address.startswith("Flat "):
        return address.partition(", ")[2]
    flat, _, line = address.rpartition(", ")
    number, _, street = line.partition(" ")
    prefix = f"{flat}, " if flat else ""
    if r < 0.75:
        return prefix + street
    if r < 0.88 and number.isdigit():
        wrong = max(1, int(number) + w.choice((-2, -1, 1, 2, 10)))
        return f"{prefix}{wrong} {street}"
    return f"{prefix}{number} {_typo(w, street)}"


# ---------------------------------------------------------------------------------------------
# How each agency's system writes things down.
# ---------------------------------------------------------------------------------------------


def _rewritten(
    values: npt.NDArray[np.generic], mask: BoolArray, change: Callable[[str], str]
) -> None:
    rows = np.flatnonzero(mask)
    if len(rows):
        values[rows] = np.fromiter(
            (change(v) if v is not None else None for v in values[rows]),
            dtype=object,
            count=len(rows),
        )


def _write_as_the_agency_does(
    rng: np.random.Generator,
    columns: dict[str, npt.NDArray[np.generic]],
    source: IntArray,
) -> None:
    """Capitals from the police, surnames in capitals at hospitals, postcodes without a space."""
    n = len(source)
    police = source == _POLICE
    capitals = (police & (rng.random(n) < 0.92)) | (
        (source == _YOUTH_JUSTICE) & (rng.random(n) < 0.1)
    )
    surname_capitals = capitals | ((source == _HOSPITAL) & (rng.random(n) < 0.4))
    lower = ~capitals & (rng.random(n) < 0.01)
    # "Mcdonald", "O'brien", "Smith-jones": a system that only capitalises the first letter.
    plain = ~surname_capitals & ~lower & (rng.random(n) < 0.03)
    _rewritten(columns["forename"], capitals, str.upper)
    _rewritten(columns["surname"], surname_capitals, str.upper)
    _rewritten(columns["address"], capitals, str.upper)
    _rewritten(columns["forename"], lower, str.lower)
    _rewritten(columns["surname"], lower, str.lower)
    _rewritten(columns["surname"], plain, str.capitalize)
    _rewritten(columns["postcode"], ~police & (rng.random(n) < 0.08), _without_space)
    _rewritten(columns["postcode"], ~police & (rng.random(n) < 0.03), str.lower)


def _without_space(postcode: str) -> str:
    return postcode.replace(" ", "")
