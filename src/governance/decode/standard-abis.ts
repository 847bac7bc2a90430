// The functions of the contracts governance acts on, as ERE knows them without being told: OpenZeppelin's
// Governor (and Compound's GovernorBravo), TimelockController (and Compound's Timelock), AccessControl,
// Ownable, ERC20 and ERC721, EIP-1967 proxies (UUPS, transparent, beacon) and ProxyAdmin, and the Safe with
// MultiSend. A call no user ABI decodes is decoded by its selector against these; each family's name is
// what a decoded call says it was decoded as.

import { type Abi, parseAbi } from 'viem';

export interface StandardAbi {
  /** The family, as a decoded call names it: `TimelockController`, `ERC20`… */
  name: string;
  abi: Abi;
}

export const standardAbis: readonly StandardAbi[] = [
  {
    name: 'Governor',
    abi: parseAbi([
      'function propose(address[] targets, uint256[] values, bytes[] calldatas, string description) returns (uint256)',
      'function queue(address[] targets, uint256[] values, bytes[] calldatas, ' +
        'bytes32 descriptionHash) returns (uint256)',
      'function execute(address[] targets, uint256[] values, bytes[] calldatas, ' +
        'bytes32 descriptionHash) payable returns (uint256)',
      'function cancel(address[] targets, uint256[] values, bytes[] calldatas, ' +
        'bytes32 descriptionHash) returns (uint256)',
      'function relay(address target, uint256 value, bytes data) payable',
      'function setVotingDelay(uint48 newVotingDelay)',
      'function setVotingPeriod(uint32 newVotingPeriod)',
      'function setProposalThreshold(uint256 newProposalThreshold)',
      'function updateQuorumNumerator(uint256 newQuorumNumerator)',
      'function updateTimelock(address newTimelock)',
      'function setLateQuorumVoteExtension(uint48 newVoteExtension)',
    ]),
  },
  {
    name: 'GovernorBravo',
    abi: parseAbi([
      'function propose(address[] targets, uint256[] values, string[] signatures, bytes[] calldatas, ' +
        'string description) returns (uint256)',
      'function _setVotingDelay(uint256 newVotingDelay)',
      'function _setVotingPeriod(uint256 newVotingPeriod)',
      'function _setProposalThreshold(uint256 newProposalThreshold)',
      'function _setPendingAdmin(address newPendingAdmin)',
      'function _acceptAdmin()',
    ]),
  },
  {
    name: 'TimelockController',
    abi: parseAbi([
      'function schedule(address target, uint256 value, bytes data, bytes32 predecessor, bytes32 salt, uint256 delay)',
      'function scheduleBatch(address[] targets, uint256[] values, bytes[] payloads, ' +
        'bytes32 predecessor, bytes32 salt, uint256 delay)',
      'function execute(address target, uint256 value, bytes payload, bytes32 predecessor, bytes32 salt) payable',
      'function executeBatch(address[] targets, uint256[] values, bytes[] payloads, ' +
        'bytes32 predecessor, bytes32 salt) payable',
      'function cancel(bytes32 id)',
      'function updateDelay(uint256 newDelay)',
    ]),
  },
  {
    name: 'Timelock',
    abi: parseAbi([
      'function queueTransaction(address target, uint256 value, string signature, bytes data, ' +
        'uint256 eta) returns (bytes32)',
      'function cancelTransaction(address target, uint256 value, string signature, bytes data, uint256 eta)',
      'function executeTransaction(address target, uint256 value, string signature, bytes data, ' +
        'uint256 eta) payable returns (bytes)',
      'function setDelay(uint256 delay)',
      'function setPendingAdmin(address pendingAdmin)',
      'function acceptAdmin()',
    ]),
  },
  {
    name: 'AccessControl',
    abi: parseAbi([
      'function grantRole(bytes32 role, address account)',
      'function revokeRole(bytes32 role, address account)',
      'function renounceRole(bytes32 role, address callerConfirmation)',
    ]),
  },
  {
    name: 'Ownable',
    abi: parseAbi([
      'function transferOwnership(address newOwner)',
      'function renounceOwnership()',
      'function acceptOwnership()',
    ]),
  },
  {
    name: 'ERC20',
    abi: parseAbi([
      'function transfer(address to, uint256 value) returns (bool)',
      'function approve(address spender, uint256 value) returns (bool)',
      'function transferFrom(address from, address to, uint256 value) returns (bool)',
      'function mint(address to, uint256 amount)',
      'function burn(uint256 amount)',
    ]),
  },
  {
    name: 'ERC721',
    abi: parseAbi([
      'function safeTransferFrom(address from, address to, uint256 tokenId)',
      'function safeTransferFrom(address from, address to, uint256 tokenId, bytes data)',
      'function setApprovalForAll(address operator, bool approved)',
    ]),
  },
  {
    name: 'ERC1967Proxy',
    abi: parseAbi([
      'function upgradeToAndCall(address newImplementation, bytes data) payable',
      'function upgradeTo(address newImplementation)',
      'function changeAdmin(address newAdmin)',
    ]),
  },
  {
    name: 'ProxyAdmin',
    abi: parseAbi([
      'function upgradeAndCall(address proxy, address implementation, bytes data) payable',
      'function upgrade(address proxy, address implementation)',
      'function changeProxyAdmin(address proxy, address newAdmin)',
    ]),
  },
  {
    name: 'Safe',
    abi: parseAbi([
      'function execTransaction(address to, uint256 value, bytes data, uint8 operation, ' +
        'uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, ' +
        'address refundReceiver, bytes signatures) payable returns (bool)',
      'function execTransactionFromModule(address to, uint256 value, bytes data, uint8 operation) returns (bool)',
      'function addOwnerWithThreshold(address owner, uint256 _threshold)',
      'function removeOwner(address prevOwner, address owner, uint256 _threshold)',
      'function swapOwner(address prevOwner, address oldOwner, address newOwner)',
      'function changeThreshold(uint256 _threshold)',
      'function enableModule(address module)',
      'function disableModule(address prevModule, address module)',
      'function setGuard(address guard)',
      'function setModuleGuard(address moduleGuard)',
      'function setFallbackHandler(address handler)',
      'function approveHash(bytes32 hashToApprove)',
    ]),
  },
  {
    name: 'MultiSend',
    abi: parseAbi(['function multiSend(bytes transactions) payable']),
  },
];
