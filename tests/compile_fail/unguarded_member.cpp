// Must NOT compile under clang's -Wthread-safety -Werror (tests/CMakeLists.txt checks the
// diagnostic): proof that FINDME_GUARDED_BY is enforced, not decoration.
#include "core/mutex.h"

namespace {

class Account {
 public:
  void deposit(int amount) {
    findme::MutexLock lock(mu_);
    balance_ += amount;  // fine: mu_ is held
  }
  int balance() const { return balance_; }  // reads without mu_: the error this file expects

 private:
  mutable findme::Mutex mu_;
  int balance_ FINDME_GUARDED_BY(mu_) = 0;
};

}  // namespace

int main() {
  Account account;
  account.deposit(1);
  return account.balance();
}
