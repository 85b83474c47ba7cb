import TLSKit
