fn main() {
    let raw = std::fs::read(std::env::args().nth(1).unwrap()).unwrap();
    let v = msorder::mime::decode(&raw).unwrap();
    println!("TEXT:\n{}\nHTML:\n{}", v.text, v.html_text);
}
