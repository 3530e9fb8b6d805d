// The controller's tokens for Figure 5 of Zoph & Le 2017 (base 2), in the space's default lists:
// combinations [add, elemMult], activations [identity, tanh, sigmoid, relu].
//                                 node0 add,tanh | node1 mult,relu | node2 mult,sigmoid | inject add,relu | c<-1, inject@0
export const FIGURE_5_TOKENS: readonly number[] = [0, 1, 1, 3, 1, 2, 0, 3, 1, 0];
