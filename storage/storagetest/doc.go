// Package storagetest is the conformance suite for storage.Store
// implementations. Every backend's tests call Run (or RunWith, to enable
// the corruption checks) with a constructor that returns a fresh, empty
// store for each subtest:
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.Store {
//			s, err := file.New(t.TempDir())
//			...
//			return s
//		})
//	}
package storagetest
